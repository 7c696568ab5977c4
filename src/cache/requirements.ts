/**
 * A pack's declared needs against what this device offers, checked before a byte is downloaded so
 * a pack that cannot run is refused with reasons instead of failing later inside onnxruntime.
 */
import type { Manifest } from '../models/manifest';
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

/** A WASM heap is 32-bit: everything a session holds must fit in 4 GiB. */
const WASM_MEMORY_BYTES = 4 * 1024 ** 3;
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
  for (const file of manifest.files) {
    if (file.role !== 'externalData' && file.bytes > MAX_GRAPH_FILE_BYTES) {
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
    const limit = Math.min(gpu.maxBufferSize, gpu.maxStorageBufferBindingSize);
    if (largestBufferBytes > limit) {
      problems.push(
        `Its largest weight buffer is ${formatBytes(largestBufferBytes)} but ${gpu.description} allows at most ${formatBytes(limit)} per buffer; choose a smaller or sharded pack.`,
      );
    }
  } else if (totalBytes > WASM_MEMORY_BYTES) {
    problems.push(`It needs ${formatBytes(totalBytes)} of memory, but without WebGPU models run in WebAssembly, which has at most 4 GiB.`);
  }
  return problems;
}
