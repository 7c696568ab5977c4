/**
 * The runner port: what the pipeline needs from an inference runtime. One call, `run(role, feeds)`,
 * runs the graph the pack declares under `role` on named plain tensors and answers with named plain
 * tensors. onnxruntime-node (src/runtime/nodeRunner.ts) and onnxruntime-web (src/runtime/webRunner.ts)
 * implement it; the pipeline never imports a runtime, so Node and the browser share it. Which tensor
 * names a graph has is the architecture's business (src/architectures/<name>/), not the runner's.
 */
import { PipelineError } from './errors';
import type { PackData } from './packData';

/** A float32 tensor: row-major data and its dims. */
export interface Tensor32 {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** An int64 tensor (token ids): row-major data and its dims. */
export interface TensorI64 {
  readonly data: BigInt64Array;
  readonly dims: readonly number[];
}

/** The two element types that cross the port; the data's array type says which. */
export type Tensor = Tensor32 | TensorI64;

/** Tensors by graph input or output name. */
export type NamedTensors = Readonly<Record<string, Tensor>>;

/**
 * An output a runner left on its device (`ModelRunner.runOnDevice`): its values never cross to this
 * side. It can only be fed to later runs of the same role on the same runner, which pass the device
 * buffer as it is; its holder disposes it once no run needs it.
 */
export interface DeviceTensor {
  readonly data: null;
  readonly dims: readonly number[];
  dispose(): void;
}

/** Feeds and outputs of `runOnDevice`: plain tensors, and device tensors where a run kept outputs there. */
export type RunTensors = Readonly<Record<string, Tensor | DeviceTensor>>;

/** Hints for one run; a runner may ignore them without changing any result. */
export interface RunOptions {
  /**
   * The outputs will be fed back as inputs (the text embeddings, once per denoising step): a runner
   * whose outputs live on a device (WebGPU) keeps them there and reuses them when the same data
   * comes back as a feed, instead of uploading it again.
   */
  readonly reuseOutputs?: boolean;
}

/**
 * One loaded model pack. A session is made on the first run of its role and kept as the pack's
 * memory plan says (manifest `runtime.memoryPlan`). Runs are serialized, and a failure rejects with
 * an error that has a `code`.
 */
export interface ModelRunner {
  /** Runs the graph of `role` (a role the manifest declares) on `feeds`; resolves to all of its outputs. */
  run(role: string, feeds: NamedTensors, options?: RunOptions): Promise<NamedTensors>;
  /**
   * `run`, leaving the outputs named in `keep` on the runner's device as `DeviceTensor`s, neither read
   * back nor uploaded again when fed to the next run of the same role (a streaming decoder's cache,
   * hundreds of MiB a run at Wan2.1's sizes). Only runners whose outputs live on a device offer it
   * (onnxruntime-web; on WASM it gives plain tensors); callers without it use `run`.
   */
  readonly runOnDevice?: (role: string, feeds: RunTensors, keep: readonly string[]) => Promise<RunTensors>;
  /** Frees the sessions; the runner is unusable afterwards. */
  release(): Promise<void>;
  /**
   * The pack's data files (packData.ts), for architectures that declare data roles; runners of
   * packs with graphs only, and test runners, may leave it out.
   */
  readonly data?: PackData;
}

/** The float32 output `name` of a run; a missing or int64 output is a broken pack, said with the role. */
export function float32Output(outputs: RunTensors, role: string, name: string): Tensor32 {
  const tensor = outputs[name];
  if (!tensor || !(tensor.data instanceof Float32Array)) {
    throw new PipelineError('model-output', `the ${role} graph returned no float32 output "${name}" (outputs: ${Object.keys(outputs).join(', ') || 'none'})`);
  }
  return tensor as Tensor32;
}

