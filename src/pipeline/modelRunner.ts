/**
 * What the pipeline needs from an inference runtime: the four graphs of a model pack as plain
 * arrays in, plain arrays out. onnxruntime-node (src/runtime/nodeRunner.ts) and onnxruntime-web
 * implement it; the pipeline never imports a runtime, so Node and the browser share it.
 */

/** A float32 tensor: row-major data and its dims. */
export interface Tensor32 {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Inputs of one denoising step (docs/model-pack.md, "The graphs"). */
export interface DitInputs {
  /** [B, N, P] */
  readonly tokens: Tensor32;
  /** [N, 3]: patch-grid [t, y, x] of each token. */
  readonly positions: Tensor32;
  /** [B]: flow-matching time in [0, 1], 1 = pure noise. */
  readonly timestep: Tensor32;
  /** [B, maxLength, embedDim] */
  readonly textEmbeds: Tensor32;
}

/**
 * One loaded model pack. Implementations run one graph at a time (calls are serialized), and
 * reject with an error that has a `code`.
 */
export interface ModelRunner {
  /** `input_ids` int64 [B, maxLength] → `text_embeds` [B, maxLength, embedDim]. */
  runTextEncoder(inputIds: BigInt64Array, dims: readonly [batch: number, maxLength: number]): Promise<Tensor32>;
  /** → `velocity` [B, N, P]. */
  runDit(inputs: DitInputs): Promise<Tensor32>;
  /** `latents` [1, C, T, h, w] → `frames` [1, 3, F, H, W], RGB about [0, 1]. */
  runVaeDecoder(latents: Tensor32): Promise<Tensor32>;
  /** `frames` [1, 3, F, H, W] in [0, 1] → `latents` [1, C, T, h, w]. */
  runVaeEncoder(frames: Tensor32): Promise<Tensor32>;
  /** Frees the sessions; the runner is unusable afterwards. */
  release(): Promise<void>;
}
