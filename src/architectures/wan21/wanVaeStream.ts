/**
 * Wan2.1's VAE decoder, streamed one latent frame at a time: the `vaeDecoderFirst` graph decodes
 * latent frame 0 into frame 0 and gives the causal convolutions' cache, then `vaeDecoderStep` decodes
 * each later latent frame into the next 4 frames, taking the cache tensors the previous run gave and
 * giving the next ones (the official decoder's feature cache; without it the temporal upsampling is
 * skipped). Frames come out in [-1, 1] and are yielded as RGBA bytes, one group per latent frame, so
 * the first frames can be shown and encoded while the rest decode.
 */
import type { RgbaFrames } from '../../pipeline/architecture';
import type { LatentDims } from '../../pipeline/latents';
import { float32Output, type DeviceTensor, type ModelRunner, type NamedTensors, type RunTensors, type Tensor, type Tensor32 } from '../../pipeline/modelRunner';
import { PipelineError } from '../../pipeline/errors';
import { planarToRgba, type ValueRange } from '../../pipeline/planarFrames';
import { expectDims } from './graphOutputs';

/** The decoder's frames: RGB in [-1, 1]. */
const FRAME_RANGE: ValueRange = { black: -1, white: 1 };

export interface WanVaeStreamOptions {
  /** Cache tensors the step graph takes and gives (manifest `vae.cacheTensors`). */
  readonly cacheTensors: number;
  /** Frames per latent frame after the first (manifest `latent.temporalCompression`). */
  readonly framesPerLatent: number;
  /** Pixels per latent cell on each side (manifest `latent.spatialCompression`). */
  readonly spatialCompression: number;
}

/** One decoder run's frames: planar RGB [3, count, height·width] in [-1, 1]. */
export interface WanFrameGroup {
  readonly planar: Float32Array;
  readonly count: number;
}

/** Latents [C, T, h, w] (normalised, as the DiT sees them) → RGBA frames in groups: 1 frame, then `framesPerLatent` per latent frame. */
export async function* decodeWanStream(runner: ModelRunner, latents: Float32Array, shape: LatentDims, options: WanVaeStreamOptions): AsyncGenerator<RgbaFrames> {
  const plane = shape.width * options.spatialCompression * shape.height * options.spatialCompression;
  for await (const group of wanFrameGroups(runner, latents, shape, options)) yield planarToRgba(group.planar, group.count, plane, FRAME_RANGE);
}

/**
 * The decoder's own float frames, one group per latent frame (what the golden values compare). The
 * step runs keep their cache outputs on the runner's device where it has one (`runOnDevice`: 554 MiB
 * of caches a run at 320×192 never cross to JavaScript); each set is disposed once the next run has
 * taken it, and the last when the stream ends, is abandoned or fails.
 */
export async function* wanFrameGroups(runner: ModelRunner, latents: Float32Array, shape: LatentDims, options: WanVaeStreamOptions): AsyncGenerator<WanFrameGroup> {
  const width = shape.width * options.spatialCompression;
  const height = shape.height * options.spatialCompression;
  const cacheNames = Array.from({ length: options.cacheTensors }, (_, k) => `cache_out_${k}`);
  let cache: RunTensors = {};
  try {
    for (let t = 0; t < shape.frames; t++) {
      const first = t === 0;
      const role = first ? 'vaeDecoderFirst' : 'vaeDecoderStep';
      const feeds: Record<string, Tensor | DeviceTensor> = { latent: latentFrame(latents, shape, t) };
      if (!first) cacheNames.forEach((name, k) => (feeds[`cache_in_${k}`] = cache[name]!));
      // The first graph's caches go to another graph, so they cross as plain tensors; a step's go to the next step.
      const outputs = !first && runner.runOnDevice ? await runner.runOnDevice(role, feeds, cacheNames) : await runner.run(role, plainFeeds(feeds, role));
      const count = first ? 1 : options.framesPerLatent;
      const frames = float32Output(outputs, role, 'frames');
      expectDims(role, frames, [1, 3, count, height, width]);
      const next = cacheOutputs(outputs, role, cacheNames);
      disposeOnDevice(cache);
      cache = next;
      yield { planar: frames.data, count };
    }
  } finally {
    disposeOnDevice(cache);
  }
}

/** Latent frame `t` of [C, T, h, w] as the graphs' [1, C, 1, h, w]. */
function latentFrame(latents: Float32Array, shape: LatentDims, t: number): Tensor32 {
  const plane = shape.height * shape.width;
  const out = new Float32Array(shape.channels * plane);
  for (let c = 0; c < shape.channels; c++) out.set(latents.subarray((c * shape.frames + t) * plane, (c * shape.frames + t + 1) * plane), c * plane);
  return { data: out, dims: [1, shape.channels, 1, shape.height, shape.width] };
}

/** Only the cache outputs are carried to the next run, so the frames already yielded can be freed. */
function cacheOutputs(outputs: RunTensors, role: string, names: readonly string[]): RunTensors {
  const cache: Record<string, Tensor32 | DeviceTensor> = {};
  for (const name of names) {
    const tensor = outputs[name];
    cache[name] = tensor?.data === null ? tensor : float32Output(outputs, role, name);
  }
  return cache;
}

/** Feeds for `run`, which takes plain tensors only (a runner without `runOnDevice` never gave others). */
function plainFeeds(feeds: RunTensors, role: string): NamedTensors {
  for (const [name, tensor] of Object.entries(feeds)) {
    if (tensor.data === null) throw new PipelineError('model-output', `the ${role} input "${name}" is a device tensor, and this runner runs plain tensors only`);
  }
  return feeds as NamedTensors;
}

function disposeOnDevice(tensors: RunTensors): void {
  for (const tensor of Object.values(tensors)) if (tensor.data === null) tensor.dispose();
}
