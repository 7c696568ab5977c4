/**
 * tessera-tiny as an `Architecture` (src/pipeline/architecture.ts): a word tokenizer and text
 * encoder, a DiT over spacetime patches with their grid positions as an input, and a causal video
 * autoencoder, on the pack's four graphs (docs/model-pack.md, "The graphs"). What only this family
 * knows lives here: the graphs' roles and tensor names, the patch layout (patches.ts), the timestep
 * (the flow time itself, in [0, 1]), latents the autoencoder already normalised (no scale or shift),
 * and frames in [0, 1].
 */
import { decodedSize, type Manifest, type VideoSize } from '../../models/manifest';
import type { Architecture, PromptEmbeddings, RgbaFrames } from '../../pipeline/architecture';
import { PipelineError } from '../../pipeline/errors';
import { decodedFrameCount, latentDims, type LatentDims } from '../../pipeline/latents';
import { float32Output, type ModelRunner, type Tensor32 } from '../../pipeline/modelRunner';
import { planarToRgba, rgbaToPlanar, type ValueRange } from '../../pipeline/planarFrames';
import { patchify, patchPositions, tokenGrid, unpatchify, type TokenGrid } from './patches';
import { expandPrompt } from './promptExpansion';
import { assertReadablePrompt, wordsOutsideAlphabet } from './promptReadability';
import { tokenize } from './wordTokenizer';

/** The manifest's name for this family. */
const TESSERA_TINY = 'tessera-tiny';

/** The autoencoder's frames: RGB in [0, 1]. */
const FRAME_RANGE: ValueRange = { black: 0, white: 1 };

/** The text encoder's output for a batch of prompts. */
export interface TesseraTinyEmbeddings extends PromptEmbeddings {
  /** `text_embeds` [rows, maxLength, embedDim]; the same object every step, so a GPU runner can keep it resident. */
  readonly textEmbeds: Tensor32;
}

/** tessera-tiny bound to a runner of its pack. */
export function tesseraTiny(manifest: Manifest, runner: ModelRunner): Architecture<TesseraTinyEmbeddings> {
  // Callers hold a parsed `Manifest`; only a tessera-tiny one has the word tokenizer read below.
  if (manifest.architecture !== TESSERA_TINY) throw new PipelineError('model-output', `a ${manifest.architecture} pack is not a ${TESSERA_TINY} pack`);
  const { tokenizer, latent, patch } = manifest;
  // The grid and positions of the last shape: one generation asks for the same shape every step.
  let layout: { shape: LatentDims; grid: TokenGrid; positions: Tensor32 } | null = null;
  const layoutOf = (shape: LatentDims) => {
    if (!layout || !sameShape(layout.shape, shape)) {
      const grid = tokenGrid(shape, patch);
      layout = { shape, grid, positions: { data: patchPositions(shape, patch), dims: [grid.count, 3] } };
    }
    return layout;
  };

  return {
    name: TESSERA_TINY,
    framesPerLatent: latent.temporalCompression,
    expandPrompt,
    checkPrompt: assertReadablePrompt,
    outsideAlphabet: wordsOutsideAlphabet,

    latentShape: (size: VideoSize, frames: number) => latentDims(latent, size, frames),

    async encodePrompt(texts) {
      const { maxLength } = tokenizer;
      const tokenized = texts.map((text) => tokenize(text, tokenizer));
      const inputIds = new BigInt64Array(texts.length * maxLength);
      tokenized.forEach((tokens, row) => inputIds.set(tokens.ids, row * maxLength));
      const outputs = await runner.run('textEncoder', { input_ids: { data: inputIds, dims: [texts.length, maxLength] } }, { reuseOutputs: true });
      const textEmbeds = float32Output(outputs, 'textEncoder', 'text_embeds');
      expectDims('text encoder', textEmbeds, [texts.length, maxLength, manifest.text.embedDim]);
      return { rows: texts.length, unknownWords: tokenized.map((tokens) => tokens.unknownWords), textEmbeds };
    },

    async predict(sample, shape, t, embeddings) {
      const { grid, positions } = layoutOf(shape);
      const rows = embeddings.rows;
      const tokens = patchify(sample, shape, patch);
      const batch = new Float32Array(rows * tokens.length);
      for (let row = 0; row < rows; row++) batch.set(tokens, row * tokens.length);
      const outputs = await runner.run('dit', {
        tokens: { data: batch, dims: [rows, grid.count, grid.size] },
        positions,
        timestep: { data: new Float32Array(rows).fill(t), dims: [rows] },
        text_embeds: embeddings.textEmbeds,
      });
      const velocity = float32Output(outputs, 'dit', 'velocity');
      expectDims('DiT', velocity, [rows, grid.count, grid.size]);
      return Array.from({ length: rows }, (_, row) => unpatchify(velocity.data.subarray(row * tokens.length, (row + 1) * tokens.length), shape, patch));
    },

    async *decode(latents, shape): AsyncGenerator<RgbaFrames> {
      // The decoder takes the whole clip: one group.
      const outputs = await runner.run('vaeDecoder', { latents: { data: latents, dims: latentTensorDims(shape) } });
      const frames = float32Output(outputs, 'vaeDecoder', 'frames');
      const count = decodedFrameCount(latent, shape.frames);
      const { width, height } = decodedSize(manifest.video, { width: shape.width * latent.spatialCompression, height: shape.height * latent.spatialCompression });
      expectDims('VAE decoder', frames, [1, 3, count, height, width]);
      yield planarToRgba(frames.data, count, width * height, FRAME_RANGE);
    },

    async encode(frames, size) {
      const count = frames.length;
      const planar = rgbaToPlanar(frames, size.width * size.height, FRAME_RANGE);
      const outputs = await runner.run('vaeEncoder', { frames: { data: planar, dims: [1, 3, count, size.height, size.width] } });
      const latents = float32Output(outputs, 'vaeEncoder', 'latents');
      expectDims('VAE encoder', latents, latentTensorDims(latentDims(latent, size, count)));
      return latents.data;
    },
  };
}

function sameShape(a: LatentDims, b: LatentDims): boolean {
  return a.channels === b.channels && a.frames === b.frames && a.height === b.height && a.width === b.width;
}

function latentTensorDims(shape: LatentDims): number[] {
  return [1, shape.channels, shape.frames, shape.height, shape.width];
}

/** A graph that returns the wrong shape is a broken pack, not a caller's mistake: say which. */
function expectDims(graph: string, tensor: Tensor32, expected: readonly number[]): void {
  const size = expected.reduce((a, b) => a * b, 1);
  if (tensor.dims.join() !== expected.join() || tensor.data.length !== size) {
    throw new PipelineError('model-output', `${graph} returned [${tensor.dims.join(', ')}], expected [${expected.join(', ')}]`);
  }
}
