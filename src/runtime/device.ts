/**
 * Backend choice, made once at start-up from what the browser offers: the WebGPU execution provider
 * when an adapter exists whose features and limits fit the pack, else WASM (multithreaded when the
 * page is cross-origin isolated). Every outcome carries a reason in words for the UI.
 */
import { formatBytes } from '../lib/formatBytes';
import type { BackendFallback, BackendInfo, BackendPreference } from './backendTypes';

/** What the pack needs from a GPU (manifest `requirements`). */
export interface PackNeeds {
  readonly shaderF16: boolean;
  readonly largestBufferBytes: number;
}

/** The decision, plus the adapter to hand to onnxruntime when WebGPU was chosen. */
export interface DeviceChoice {
  readonly info: BackendInfo;
  readonly adapter: GPUAdapter | null;
}

/** Most WASM threads worth using for graphs this small; more threads only add sync overhead. */
const MAX_WASM_THREADS = 4;

/** WASM threads to use: 1 without cross-origin isolation (no SharedArrayBuffer). */
function wasmThreads(): number {
  if (!globalThis.crossOriginIsolated) return 1;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
}

/** A readable adapter name from GPUAdapterInfo (fields are often empty strings). */
function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture].filter((s) => s && s.length > 0).join(' ');
  const description = info.description ? ` (${info.description})` : '';
  return `${parts || 'unknown adapter'}${description}`;
}

/** The WASM choice with a reason. */
export function wasmChoice(fallback: BackendFallback | null, reason?: string): DeviceChoice {
  const threads = wasmThreads();
  const isolated = Boolean(globalThis.crossOriginIsolated);
  return {
    adapter: null,
    info: {
      backend: 'wasm',
      adapter: null,
      isFallbackAdapter: false,
      shaderF16: false,
      threads,
      crossOriginIsolated: isolated,
      reason:
        reason ??
        fallback?.message ??
        `WebAssembly on the CPU, ${threads} thread${threads === 1 ? '' : 's'}${isolated ? '' : ' (the page is not cross-origin isolated, so only one)'}.`,
      fallback,
    },
  };
}

/**
 * Probes WebGPU and picks the backend.
 * @param preference `wasm` skips the probe; `webgpu` and `auto` both try WebGPU and fall back to WASM with a reason.
 */
export async function chooseDevice(preference: BackendPreference, needs: PackNeeds): Promise<DeviceChoice> {
  if (preference === 'wasm') {
    return wasmChoice({ code: 'user-choice', message: 'Running on the CPU (WebAssembly) because WebGPU was turned off for this page.' });
  }
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) {
    return wasmChoice({ code: 'no-webgpu-api', message: 'This browser does not offer WebGPU, so Tessera runs on the CPU (WebAssembly); generation is slower.' });
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    adapter = null;
  }
  if (!adapter) {
    return wasmChoice({
      code: 'no-adapter',
      message: 'WebGPU is present but no GPU adapter is available (disabled or blocklisted), so Tessera runs on the CPU (WebAssembly).',
    });
  }
  const shaderF16 = adapter.features.has('shader-f16');
  if (needs.shaderF16 && !shaderF16) {
    return wasmChoice({ code: 'needs-shader-f16', message: "This model pack needs 16-bit float shaders (shader-f16), which this GPU lacks; running on the CPU instead." });
  }
  const limit = Math.min(adapter.limits.maxBufferSize, adapter.limits.maxStorageBufferBindingSize);
  if (needs.largestBufferBytes > limit) {
    return wasmChoice({
      code: 'limits-too-small',
      message: `This model needs GPU buffers of ${formatBytes(needs.largestBufferBytes)} but this GPU allows ${formatBytes(limit)}; running on the CPU instead.`,
    });
  }
  const info = adapter.info as GPUAdapterInfo | undefined;
  const isFallbackAdapter = Boolean(info?.isFallbackAdapter);
  const name = describeAdapter(info);
  return {
    adapter,
    info: {
      backend: 'webgpu',
      adapter: name,
      isFallbackAdapter,
      shaderF16,
      threads: wasmThreads(),
      crossOriginIsolated: Boolean(globalThis.crossOriginIsolated),
      reason: `WebGPU on ${name}${isFallbackAdapter ? ' — a software adapter: correct but slower than a real GPU' : ''}; ${
        shaderF16 ? 'shader-f16 available' : 'no shader-f16, so fp32/int8 weights'
      }.`,
      fallback: null,
    },
  };
}
