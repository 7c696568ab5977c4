/**
 * Text → video: the whole sampling algorithm, in the order it runs. Family-free: everything a model
 * family alone knows (tokenizer, patch layout, timestep scale, value ranges, graph names) sits behind
 * the `Architecture` it is given (architecture.ts), and it imports neither onnxruntime nor the DOM, so
 * the browser worker and the CLI run this same code.
 */
import { decodedSize, type Manifest } from '../models/manifest';
import { createScheduler } from '../schedulers/registry';
import type { Architecture, PromptEmbeddings, PromptExpansion } from './architecture';
import { checkConditioning, conditionedNoise, conditioningHooks, type LatentConditioning } from './conditioning';
import { PipelineError } from './errors';
import { applyGuidance } from './guidance';
import { checkFrameCount, resolveSize, type LatentDims } from './latents';
import type { Tensor32 } from './modelRunner';
import { gaussianNoise, stepNoiseSeed } from './noise';

/** What the generic pipeline reads of a pack: what it may generate and how it samples. */
export type PackSettings = Pick<Manifest, 'video' | 'scheduler'>;

/** What to generate. Omitted settings take the pack's defaults (manifest `scheduler`). */
export interface TextToVideoRequest {
  readonly prompt: string;
  /** What to steer away from; '' (the default) is the unconditional input. */
  readonly negativePrompt?: string;
  /** uint32; the same seed, settings and pack give the same video on every platform. */
  readonly seed: number;
  /** A key of manifest `video.sizes`, e.g. "16:9". */
  readonly aspect: string;
  /** One of manifest `video.frameCounts`; 1 is an image. */
  readonly frames: number;
  readonly steps?: number;
  readonly guidance?: number;
  /**
   * The prompt's expansion (`architecture.expandPrompt`), made once by the front end, which also
   * checks it against the prompt policy: the model reads its caption instead of the prompt.
   */
  readonly expansion?: PromptExpansion;
  /** Known latents, a start time or tied frames (see conditioning.ts); none = plain text-to-video. */
  readonly conditioning?: LatentConditioning;
  /**
   * A second prompt for some latent frames: `weights[f]` is the share of frame f's conditional
   * prediction taken from `prompt` instead of the request's (1: all, 0: none). The texts are
   * encoded and run in one batch, so it costs one more row per step.
   */
  readonly promptBlend?: PromptBlend;
}

export interface PromptBlend {
  readonly prompt: string;
  /** One per latent frame, each from 0 to 1. */
  readonly weights: readonly number[];
}

/** Reported after each denoising step. */
export interface StepEndEvent {
  /** 1-based: `step` of `total` steps are done (fewer than `steps` when sampling starts late, SDEdit). */
  readonly step: number;
  readonly total: number;
  /** The flow-matching time this step started from (1 = noise). */
  readonly t: number;
  /** The current sample, [1, C, T, h, w]; a copy the callback may keep. */
  readonly latents: Tensor32;
}

export type TextToVideoStage = 'encode' | 'denoise' | 'decode';

export interface TextToVideoCallbacks {
  /** Checked before each stage and at the top of every step: cancel stops within one step. */
  readonly signal?: AbortSignal;
  readonly onStage?: (stage: TextToVideoStage) => void;
  readonly onStepEnd?: (event: StepEndEvent) => void;
}

/** A generated clip with the settings that made it. */
export interface GeneratedVideo {
  /** One RGBA image (width·height·4 bytes) per frame. */
  readonly frames: Uint8ClampedArray[];
  /** The decoded frames' size: the pack's size for the aspect, times `video.decoderUpscale`. */
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** The text the model was conditioned on (the expanded caption when expansion ran). */
  readonly caption: string;
  readonly expansion?: PromptExpansion;
  /** Caption words the architecture's tokenizer does not know (for a word vocabulary, the model saw `<unk>`). */
  readonly unknownWords: readonly string[];
  readonly seed: number;
  readonly steps: number;
  readonly guidance: number;
  readonly negativePrompt: string;
}

/** Longest prompt accepted, far beyond what the tokenizer keeps. */
const MAX_PROMPT_CHARS = 2000;
const MAX_GUIDANCE = 30;
const MAX_STEPS = 1000;

/** Generates a clip: caption → text embeddings → noise → denoising loop with CFG → decoded frames. */
export async function textToVideo(
  architecture: Architecture,
  pack: PackSettings,
  request: TextToVideoRequest,
  callbacks: TextToVideoCallbacks = {},
): Promise<GeneratedVideo> {
  const { signal, onStage, onStepEnd } = callbacks;

  // 1. Check inputs
  const settings = checkInputs(pack, request);
  const size = resolveSize(pack.video, request.aspect);
  const shape = architecture.latentShape(size, request.frames);

  // 2. Encode the caption and the negative prompt in one batch: row 0 conditional, row 1 negative.
  //    At guidance 1 the negative row has no effect on the result, so it is neither encoded nor run:
  //    a distilled few-step pack (no CFG) pays for one denoiser run per step instead of two.
  throwIfAborted(signal);
  onStage?.('encode');
  const caption = request.expansion?.caption ?? request.prompt;
  const guided = settings.guidance !== 1;
  const blend = request.promptBlend;
  if (blend) checkBlend(blend, shape);
  const texts = guided ? [caption, settings.negativePrompt] : [caption];
  const embeddings = await architecture.encodePrompt(blend ? [...texts, blend.prompt] : texts);

  // 3. Prepare latents: seeded noise in latent layout [C, T, h, w], the scheduler, the conditioning as hooks
  const conditioning = request.conditioning ?? {};
  checkConditioning(conditioning, shape);
  const noise = conditionedNoise(gaussianNoise(shape.channels * shape.frames * shape.height * shape.width, request.seed), conditioning, shape);
  const scheduler = createScheduler(pack.scheduler);
  scheduler.setTimesteps(settings.steps, conditioning.start?.time);
  const hooks = conditioningHooks(conditioning, shape, noise, scheduler);
  let latents = hooks.initialSample();
  // A re-noising sampler draws new noise every step, from the seed like the first (tied frames share it).
  const freshNoise = (step: number) => conditionedNoise(gaussianNoise(noise.length, stepNoiseSeed(request.seed, step)), conditioning, shape);

  // 4. Denoising loop: predict → classifier-free guidance → scheduler step, the conditioning hooks around it
  onStage?.('denoise');
  const total = scheduler.timesteps.length;
  for (const [i, t] of scheduler.timesteps.entries()) {
    throwIfAborted(signal);
    const view = hooks.beforeStep({ step: i, t, latents });
    const rows = await predictRows(architecture, view, shape, t, embeddings);
    // Guidance is linear, so each prompt's guided output can be blended per frame in clip order.
    const guidedOutput = (cond: Float32Array) => hooks.outputInClipOrder(i, guided ? applyGuidance(cond, rows[1]!, settings.guidance) : cond);
    const output = blend ? blendFrames(guidedOutput(rows[0]!), guidedOutput(rows[rows.length - 1]!), blend.weights, shape) : guidedOutput(rows[0]!);
    latents = hooks.afterStep({ step: i, t: scheduler.times[i + 1]!, latents: scheduler.step(output, i, latents, scheduler.needsNoise ? { noise: freshNoise(i) } : {}) });
    onStepEnd?.({ step: i + 1, total, t, latents: latentTensor(latents.slice(), shape) });
  }

  // 5. Decode into RGBA frames, group by group (a super-resolving decoder's are larger than `size`)
  throwIfAborted(signal);
  onStage?.('decode');
  const frames: Uint8ClampedArray[] = [];
  for await (const group of architecture.decode(latents, shape)) frames.push(...group);
  const expected = 1 + architecture.framesPerLatent * (shape.frames - 1);
  const decoded = decodedSize(pack.video, size);
  if (frames.length !== expected || frames.some((frame) => frame.length !== decoded.width * decoded.height * 4)) {
    throw new PipelineError('model-output', `decoding gave ${frames.length} frames of ${frames[0]?.length ?? 0} bytes, expected ${expected} of ${decoded.width}x${decoded.height} RGBA`);
  }
  return {
    frames,
    width: decoded.width,
    height: decoded.height,
    fps: pack.video.fps,
    caption,
    ...(request.expansion ? { expansion: request.expansion } : {}),
    unknownWords: embeddings.unknownWords[0] ?? [],
    seed: request.seed,
    steps: settings.steps,
    guidance: settings.guidance,
    negativePrompt: settings.negativePrompt,
  };
}

/** Validates the request against the pack; fills in the pack's defaults. */
function checkInputs(pack: PackSettings, request: TextToVideoRequest): { steps: number; guidance: number; negativePrompt: string } {
  if (typeof request.prompt !== 'string' || request.prompt.trim().length === 0) {
    throw new PipelineError('invalid-prompt', 'prompt is empty; describe the video to generate');
  }
  const negativePrompt = request.negativePrompt ?? '';
  if (request.prompt.length > MAX_PROMPT_CHARS || negativePrompt.length > MAX_PROMPT_CHARS) {
    throw new PipelineError('invalid-prompt', `prompt has more than ${MAX_PROMPT_CHARS} characters`);
  }
  if (!Number.isInteger(request.seed) || request.seed < 0 || request.seed > 0xffffffff) {
    throw new PipelineError('invalid-seed', `seed ${request.seed} is not an integer from 0 to 4294967295`);
  }
  const steps = request.steps ?? pack.scheduler.steps;
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) {
    throw new PipelineError('invalid-steps', `steps ${steps} is not an integer from 1 to ${MAX_STEPS}`);
  }
  const guidance = request.guidance ?? pack.scheduler.guidance;
  if (!Number.isFinite(guidance) || guidance < 0 || guidance > MAX_GUIDANCE) {
    throw new PipelineError('invalid-guidance', `guidance ${guidance} is not a number from 0 to ${MAX_GUIDANCE}`);
  }
  checkFrameCount(pack.video, request.frames);
  return { steps, guidance, negativePrompt };
}

/** The denoiser's rows for the encoded texts, in their order: the conditional one, the negative one when guidance needs it, the blended prompt's. */
async function predictRows(architecture: Architecture, sample: Float32Array, shape: LatentDims, t: number, embeddings: PromptEmbeddings): Promise<readonly Float32Array[]> {
  const rows = await architecture.predict(sample, shape, t, embeddings);
  if (rows.length !== embeddings.rows || rows.length === 0 || rows.some((row) => row.length !== sample.length)) {
    throw new PipelineError('model-output', `${architecture.name} predicted ${rows.length} rows of [${rows.map((r) => r.length).join(', ')}] values, expected ${embeddings.rows} rows of ${sample.length}`);
  }
  return rows;
}

function checkBlend(blend: PromptBlend, shape: LatentDims): void {
  if (typeof blend.prompt !== 'string' || blend.prompt.trim().length === 0 || blend.prompt.length > MAX_PROMPT_CHARS) {
    throw new PipelineError('invalid-prompt', `the blended prompt is empty or longer than ${MAX_PROMPT_CHARS} characters`);
  }
  if (blend.weights.length !== shape.frames || blend.weights.some((w) => !(w >= 0 && w <= 1))) {
    throw new PipelineError('invalid-conditioning', `prompt blend weights [${blend.weights.join(', ')}] are not ${shape.frames} numbers from 0 to 1`);
  }
}

/** Per latent frame f: (1 − w[f])·own + w[f]·other, both [C, T, h, w]. */
function blendFrames(own: Float32Array, other: Float32Array, weights: readonly number[], shape: LatentDims): Float32Array {
  const plane = shape.height * shape.width;
  const out = own.slice();
  for (let c = 0; c < shape.channels; c++) {
    for (let f = 0; f < shape.frames; f++) {
      const w = weights[f]!;
      if (w === 0) continue;
      for (let i = (c * shape.frames + f) * plane, end = i + plane; i < end; i++) out[i] = (1 - w) * own[i]! + w * other[i]!;
    }
  }
  return out;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PipelineError('aborted', 'generation was cancelled');
}

function latentTensor(data: Float32Array, shape: LatentDims): Tensor32 {
  return { data, dims: [1, shape.channels, shape.frames, shape.height, shape.width] };
}
