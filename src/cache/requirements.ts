/**
 * A pack's declared needs against what this device offers, checked before a byte is downloaded so
 * a pack that cannot run is refused with reasons instead of failing later inside onnxruntime.
 */
import { graphRoles, type Manifest } from '../models/manifest';
import { formatBytes } from '../lib/formatBytes';

/** What the device offers; `webgpu` null where there is no adapter (onnxruntime then runs WASM). */
export interface DeviceLimits {
  readonly webgpu: {
    readonly maxBufferSize: number;
    readonly maxStorageBufferBindingSize: number;
    readonly shaderF16: boolean;
    readonly description: string;
  } | null;
}

/** onnxruntime-web's WASM build is 32-bit: every session it holds at once must fit in 4 GiB. */
export const WASM_MEMORY_BYTES = 4 * 1024 ** 3;
/** protobuf cannot hold an ONNX graph of 2 GiB or more; larger weights go in externalData files. */
const MAX_GRAPH_FILE_BYTES = 2 * 1024 ** 3 - 1;
/** More than any browser can hold for one pack; a manifest claiming more is refused as absurd. */
const MAX_PACK_BYTES = 64 * 1024 ** 3;

/** Reads the adapter's limits and features (no device is created). */
export async function probeDeviceLimits(): Promise<DeviceLimits> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { webgpu: null };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { webgpu: null };
    const info = adapter.info;
    return {
      webgpu: {
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        shaderF16: adapter.features.has('shader-f16'),
        description: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'this GPU',
      },
    };
  } catch {
    return { webgpu: null };
  }
}

interface GpuLike {
  requestAdapter(): Promise<{
    limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
    features: { has(name: string): boolean };
    info?: { vendor?: string; architecture?: string; description?: string };
  } | null>;
}

/**
 * Reasons this pack cannot be installed here; empty when it can. Checks the manifest's own claims
 * (sizes that add up, graph files under the protobuf limit) and its `requirements` against `limits`.
 */
export function packProblems(manifest: Manifest, limits: DeviceLimits | null): string[] {
  const problems: string[] = [];
  const { totalBytes, largestBufferBytes, shaderF16 } = manifest.requirements;
  const fileBytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  if (fileBytes > MAX_PACK_BYTES) {
    problems.push(`Its files add up to ${formatBytes(fileBytes)}, more than the ${formatBytes(MAX_PACK_BYTES)} any browser can store for one pack.`);
  }
  if (totalBytes < fileBytes) {
    problems.push(`Its manifest declares totalBytes ${totalBytes} but its files add up to ${fileBytes}; the manifest is inconsistent.`);
  }
  const graphs = new Set(graphRoles(manifest));
  for (const file of manifest.files) {
    if (graphs.has(file.role) && file.bytes > MAX_GRAPH_FILE_BYTES) {
      problems.push(`${file.path} is ${formatBytes(file.bytes)}; an ONNX graph must stay under 2 GiB, with larger weights in externalData files.`);
    }
  }
  if (limits === null) return problems;
  const gpu = limits.webgpu;
  if (shaderF16 && !gpu?.shaderF16) {
    problems.push(
      gpu
        ? `It needs WebGPU's shader-f16 feature, which ${gpu.description} does not offer; choose an fp32 or int8 pack.`
        : 'It needs WebGPU with shader-f16, and this browser has no WebGPU adapter; choose an fp32 or int8 pack.',
    );
  }
  if (gpu) {
    const binding = gpu.maxStorageBufferBindingSize <= gpu.maxBufferSize;
    const limit = binding ? gpu.maxStorageBufferBindingSize : gpu.maxBufferSize;
    if (largestBufferBytes > limit) {
      problems.push(
        `Its largest weight buffer is ${formatBytes(largestBufferBytes)} but ${gpu.description} allows at most ${formatBytes(limit)} per buffer ` +
          `(${binding ? 'maxStorageBufferBindingSize' : 'maxBufferSize'} ${limit} bytes, the buffer ${largestBufferBytes}); choose a smaller or sharded pack.`,
      );
    }
  } else {
    const wasm = wasmProblem(manifest);
    if (wasm) problems.push(wasm);
  }
  return problems;
}

/** Why this pack cannot run in WebAssembly (the CPU path), or null when its sessions fit there. */
export function wasmProblem(manifest: Manifest): string | null {
  const wasm = wasmSessionBytes(manifest);
  if (wasm.bytes <= WASM_MEMORY_BYTES) return null;
  return (
    `Without WebGPU models run in WebAssembly, whose memory is 4 GiB at most (a 32-bit build), but ${wasm.what} ${formatBytes(wasm.bytes)} ` +
    `(${wasm.bytes} bytes, more than ${WASM_MEMORY_BYTES}); use a browser and device with WebGPU.`
  );
}

/**
 * The weights onnxruntime's WASM heap must hold at once: each graph with its external data, all of
 * them for a `resident` pack, the largest for a `sequential` one (its sessions are made and released
 * in turn). Data files the architecture reads itself (a tokenizer, an embedding table) stay outside
 * that heap. A lower bound: activations come on top.
 */
export function wasmSessionBytes(manifest: Manifest): { bytes: number; what: string } {
  const sessions = graphRoles(manifest).map((role) => ({
    role,
    bytes: manifest.files.filter((f) => f.role === role || (f.role === 'externalData' && f.of === role)).reduce((sum, f) => sum + f.bytes, 0),
  }));
  if (manifest.runtime.memoryPlan === 'sequential') {
    const largest = sessions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    return { bytes: largest.bytes, what: `its largest session (${largest.role}, run alone: the pack's memory plan is sequential) holds` };
  }
  return { bytes: sessions.reduce((sum, s) => sum + s.bytes, 0), what: `its sessions, all held at once, weigh` };
}
