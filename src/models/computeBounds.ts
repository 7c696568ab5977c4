/**
 * What a clip costs, estimated from what a manifest declares alone, and the limits every clip a pack
 * offers must stay within. `parseManifest` checks each size × frame count with these, so a pack that
 * would ask for gigabytes (8192×8192, 100,000 frames, no compression) is refused before anything is
 * downloaded or run. The limits fit today's tiny pack (at most 252 tokens) and browser-scale real
 * models (Wan2.1 at 320×192×33: 2,160 tokens); the formulas follow docs/model-pack.md.
 */
import { ManifestError } from './manifestError';
import { decodedSize, type LatentSpec, type PatchSpec, type VideoSize, type VideoSpec } from './manifestTypes';

/**
 * Tokens the DiT attends over in one clip. At 8,192 one head's float32 self-attention scores
 * (tokens² × 4 bytes) are exactly `MAX_BUFFER_BYTES`; Wan2.1 at 832×480×81 (32,760) is out of reach.
 */
export const MAX_TOKENS_PER_CLIP = 8192;
/**
 * Pixels in one frame: the largest frame of H.264 level 4 (8,192 macroblocks of 16×16 pixels), the
 * level Tessera's MP4s use; 1080p (coded as 1920×1088) fits.
 */
export const MAX_PIXELS_PER_FRAME = 8192 * 16 * 16;
/** Frames in one clip: far above open video models (Wan2.1 81, LTX-Video 257) and the UI's lists. */
export const MAX_FRAMES_PER_CLIP = 1024;
/**
 * The largest single buffer a pack may make Tessera allocate: WebGPU's default `maxBufferSize`, the
 * size every adapter grants, and an eighth of Chrome's ~2 GiB ArrayBuffer cap, so that the several
 * buffers alive at once (tokens, velocity, frames) still fit beside each other.
 */
export const MAX_BUFFER_BYTES = 256 * 1024 ** 2;

/** The parts of a manifest that decide what a clip costs. A parsed `Manifest` is one. */
export interface ComputeSpec {
  readonly latent: LatentSpec;
  readonly patch: PatchSpec;
  readonly video: VideoSpec;
  readonly tokenizer: { readonly maxLength: number };
  /** `contextLength`: the rows of text the DiT attends to, where the pack pads the encoder's output (wan2.1); else `tokenizer.maxLength`. */
  readonly text: { readonly embedDim: number; readonly contextLength?: number };
}

/** One buffer the pipeline or the graphs must hold, with its float32 size. */
export interface BufferEstimate {
  readonly name: string;
  readonly bytes: number;
}

/** What one clip (one size, one frame count) asks for. */
export interface ClipCost {
  readonly tokens: number;
  readonly pixelsPerFrame: number;
  readonly latentElements: number;
  /** The largest of `buffers`. */
  readonly largestBuffer: BufferEstimate;
  readonly buffers: readonly BufferEstimate[];
}

const FLOAT32_BYTES = 4;
/** Classifier-free guidance runs the conditional and the negative row in one batch. */
const GUIDANCE_ROWS = 2;

/** Text embeddings of both guidance rows, [2, maxLength, embedDim] float32: the same for every clip. */
export function textEmbeddingBuffer(spec: Pick<ComputeSpec, 'tokenizer' | 'text'>): BufferEstimate {
  const rows = contextRows(spec);
  const { embedDim } = spec.text;
  return {
    name: `text embeddings [${GUIDANCE_ROWS}, ${rows}, ${embedDim}]`,
    bytes: GUIDANCE_ROWS * rows * embedDim * FLOAT32_BYTES,
  };
}

/** Rows of text embeddings the DiT's cross-attention reads. */
function contextRows(spec: Pick<ComputeSpec, 'tokenizer' | 'text'>): number {
  return spec.text.contextLength ?? spec.tokenizer.maxLength;
}

/**
 * What a clip of `frames` frames at `size` asks for. Sides that are not whole latent patches are
 * rounded up, so the estimate is never below what would run.
 */
export function clipCost(spec: ComputeSpec, size: VideoSize, frames: number): ClipCost {
  const { latent, patch } = spec;
  const latentFrames = Math.ceil(1 + (frames - 1) / latent.temporalCompression);
  const latentHeight = Math.ceil(size.height / latent.spatialCompression);
  const latentWidth = Math.ceil(size.width / latent.spatialCompression);
  const tokens = Math.ceil(latentFrames / patch.t) * Math.ceil(latentHeight / patch.h) * Math.ceil(latentWidth / patch.w);
  const tokenValues = latent.channels * patch.t * patch.h * patch.w;
  const decoded = decodedSize(spec.video, size);
  const pixelsPerFrame = decoded.width * decoded.height;
  const buffers: BufferEstimate[] = [
    {
      name: `DiT tokens [${GUIDANCE_ROWS}, ${tokens}, ${tokenValues}]`,
      bytes: GUIDANCE_ROWS * tokens * tokenValues * FLOAT32_BYTES,
    },
    { name: `self-attention scores of one head [${tokens}, ${tokens}]`, bytes: tokens * tokens * FLOAT32_BYTES },
    {
      name: `cross-attention scores of one head [${tokens}, ${contextRows(spec)}]`,
      bytes: tokens * contextRows(spec) * FLOAT32_BYTES,
    },
    // The VAE decoder's output, and the VAE encoder's input in the video modes.
    { name: `decoded frames [1, 3, ${frames}, ${decoded.height}, ${decoded.width}]`, bytes: 3 * frames * pixelsPerFrame * FLOAT32_BYTES },
    textEmbeddingBuffer(spec),
  ];
  const largestBuffer = buffers.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return { tokens, pixelsPerFrame, latentElements: latent.channels * latentFrames * latentHeight * latentWidth, largestBuffer, buffers };
}

/**
 * Checks every size × frame count a manifest offers against the limits above.
 * @throws ManifestError `exceeds-limit`, naming the entries, what they ask for and what is allowed
 */
export function checkComputeBounds(spec: ComputeSpec): void {
  const text = textEmbeddingBuffer(spec);
  if (text.bytes > MAX_BUFFER_BYTES) {
    throw exceeds(
      'text.embedDim',
      `${spec.text.contextLength === undefined ? 'tokenizer.maxLength' : 'text.contextLength'} × text.embedDim ask for ${text.name}, ${mib(text.bytes)}`,
      `buffers of ${mib(MAX_BUFFER_BYTES)}`,
      'Choose a pack with a shorter tokenizer.maxLength or a smaller text.embedDim.',
    );
  }
  spec.video.frameCounts.forEach((frames, i) => {
    if (frames > MAX_FRAMES_PER_CLIP) {
      throw exceeds(`video.frameCounts[${i}]`, `${count(frames)} frames per clip`, `${count(MAX_FRAMES_PER_CLIP)}`);
    }
  });
  for (const [aspect, size] of Object.entries(spec.video.sizes)) {
    const decoded = decodedSize(spec.video, size);
    const pixels = decoded.width * decoded.height;
    if (pixels > MAX_PIXELS_PER_FRAME) {
      // The frames the decoder makes are what gets encoded and shown: with an upscaling decoder, name both fields.
      const where = spec.video.decoderUpscale === undefined ? `video.sizes.${aspect}` : `video.sizes.${aspect} × video.decoderUpscale`;
      throw exceeds(where, `${decoded.width}×${decoded.height} is ${count(pixels)} pixels per frame`, `${count(MAX_PIXELS_PER_FRAME)} (1080p)`);
    }
    spec.video.frameCounts.forEach((frames, i) => {
      const cost = clipCost(spec, size, frames);
      const where = `video.sizes.${aspect} × video.frameCounts[${i}]`;
      const clip = `${size.width}×${size.height} × ${count(frames)} frames`;
      if (cost.tokens > MAX_TOKENS_PER_CLIP) {
        throw exceeds(where, `${clip} asks for ${count(cost.tokens)} tokens per clip`, count(MAX_TOKENS_PER_CLIP));
      }
      if (cost.largestBuffer.bytes > MAX_BUFFER_BYTES) {
        throw exceeds(where, `${clip} asks for ${cost.largestBuffer.name}, ${mib(cost.largestBuffer.bytes)}`, `buffers of ${mib(MAX_BUFFER_BYTES)}`);
      }
    });
  }
}

/** The refusal: what the pack asks for, what Tessera allows, and what to do (`advice`, default: a smaller pack). */
function exceeds(field: string, asks: string, allowed: string, advice = 'Choose a pack with smaller sizes or fewer frames.'): ManifestError {
  return new ManifestError('exceeds-limit', field, `${asks}; Tessera allows at most ${allowed}, sized for a browser tab. ${advice}`);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function mib(bytes: number): string {
  return `${count(Math.ceil(bytes / 1024 ** 2))} MiB`;
}
