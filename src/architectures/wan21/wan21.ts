/**
 * Wan2.1 as an `Architecture` (src/pipeline/architecture.ts), on the pack's four graphs and two data
 * files (docs/model-pack.md, "wan2.1 packs"): umT5 over embedding rows gathered in TypeScript
 * (umt5Tokenizer.ts, tokenEmbeddings.ts), its output zero-padded to the context length as the
 * official pipeline pads it; a DiT over the latent as it is (the graph patchifies) with the flow time
 * ×1000 as its timestep and 3-D RoPE tables made here per latent shape (rope.ts); the streaming VAE
 * decoder (wanVaeStream.ts). The pack ships no VAE encoder, so there is no `encode` and the modes
 * that start from frames are refused by the pipeline; its tokenizer reads any text, so there is no
 * prompt expansion, prompt check or alphabet warning.
 */
import { fileFor, type VideoSize, type Wan21Manifest } from '../../models/manifest';
import type { Architecture, PromptEmbeddings } from '../../pipeline/architecture';
import { PipelineError } from '../../pipeline/errors';
import { latentDims, type LatentDims } from '../../pipeline/latents';
import { float32Output, type ModelRunner, type Tensor32 } from '../../pipeline/modelRunner';
import type { PackData } from '../../pipeline/packData';
import { expectDims } from './graphOutputs';
import { ropeTables } from './rope';
import { tokenEmbeddingTable, type TokenEmbeddingTable } from './tokenEmbeddings';
import { umt5Tokenizer, type Umt5Tokenize } from './umt5Tokenizer';
import { decodeWanStream } from './wanVaeStream';

/** The manifest's name for this family. */
const WAN21 = 'wan2.1';
/** The DiT's timestep is the flow time on Wan's 0…1000 scale. */
const TIMESTEP_SCALE = 1000;

/** The text encoder's output for a batch of prompts: one context per row, the DiT's `context` input. */
export interface Wan21Embeddings extends PromptEmbeddings {
  /** [1, contextLength, embedDim] each: the prompt's hidden states, then zero rows. */
  readonly contexts: readonly Tensor32[];
}

/** What a pack's text side keeps once read: the tokenizer (parsed) and the embedding table (its scales). */
interface TextSide {
  readonly tokenize: () => Promise<Umt5Tokenize>;
  readonly embeddings: TokenEmbeddingTable;
}

/**
 * Per pack's data port, so the tokenizer (16 MB of JSON for umT5) is read and parsed once per loaded
 * pack, not once per generation: the engine binds a new architecture to the runner for each one.
 */
const TEXT_SIDES = new WeakMap<PackData, TextSide>();

function textSide(manifest: Wan21Manifest, data: PackData): TextSide {
  let side = TEXT_SIDES.get(data);
  if (!side) {
    let tokenizer: Promise<Umt5Tokenize> | null = null;
    side = {
      tokenize: () => {
        tokenizer ??= data.readData('tokenizer', 0, fileFor(manifest, 'tokenizer').bytes).then((bytes) => umt5Tokenizer(bytes, manifest.tokenizer));
        // A failed read is not kept: the next prompt reads the file again.
        tokenizer.catch(() => (tokenizer = null));
        return tokenizer;
      },
      embeddings: tokenEmbeddingTable(data, manifest.text.vocabSize, manifest.text.embedDim),
    };
    TEXT_SIDES.set(data, side);
  }
  return side;
}

/** Wan2.1 bound to a runner of its pack (whose `data` port reads the tokenizer and embedding rows). */
export function wan21(manifest: Wan21Manifest, runner: ModelRunner): Architecture<Wan21Embeddings> {
  const { latent, patch, text, dit } = manifest;
  const side = runner.data ? textSide(manifest, runner.data) : null;
  // RoPE of the last shape: one generation asks for the same shape every step.
  let rope: { shape: LatentDims; cos: Tensor32; sin: Tensor32 } | null = null;
  const ropeOf = (shape: LatentDims) => {
    if (!rope || !sameShape(rope.shape, shape)) {
      const tables = ropeTables(dit.headDim, shape.frames / patch.t, shape.height / patch.h, shape.width / patch.w, dit.ropeTheta);
      const dims = [tables.tokens, dit.headDim / 2];
      rope = { shape, cos: { data: tables.cos, dims }, sin: { data: tables.sin, dims } };
    }
    return rope;
  };

  return {
    name: WAN21,
    framesPerLatent: latent.temporalCompression,

    latentShape(size: VideoSize, frames: number) {
      const step = { w: latent.spatialCompression * patch.w, h: latent.spatialCompression * patch.h };
      if (size.width % step.w || size.height % step.h) {
        throw new PipelineError('invalid-aspect', `${size.width}x${size.height} is not a multiple of ${step.w}x${step.h} (spatial compression × patch)`);
      }
      return latentDims(latent, size, frames);
    },

    async encodePrompt(texts) {
      if (!side) throw new PipelineError('model-output', `a ${WAN21} pack needs its data files (tokenizer, token embeddings), and this runner reads none`);
      const tokenizeText = await side.tokenize();
      const contexts: Tensor32[] = [];
      for (const given of texts) {
        // An empty text is the unconditional input: the checkpoint's own negative prompt.
        const ids = tokenizeText(given === '' ? text.negativePrompt : given);
        const rows = await side.embeddings.rows(ids);
        const outputs = await runner.run('textEncoder', { inputs_embeds: { data: rows, dims: [1, ids.length, text.embedDim] } });
        const hidden = float32Output(outputs, 'textEncoder', 'hidden_states');
        expectDims('textEncoder', hidden, [1, ids.length, text.embedDim]);
        // The official pipeline runs only the real tokens and leaves the rows after them zero.
        const context = new Float32Array(text.contextLength * text.embedDim);
        context.set(hidden.data);
        contexts.push({ data: context, dims: [1, text.contextLength, text.embedDim] });
      }
      return { rows: texts.length, unknownWords: texts.map(() => []), contexts };
    },

    async predict(sample, shape, t, embeddings) {
      const { cos, sin } = ropeOf(shape);
      const latents = { data: sample, dims: latentTensorDims(shape) };
      const timestep = { data: new Float32Array([t * TIMESTEP_SCALE]), dims: [1] };
      const velocities: Float32Array[] = [];
      // One run per row: the graph's batch is 1, and a second row doubles what the GPU must hold.
      for (const context of embeddings.contexts) {
        const outputs = await runner.run('dit', { latents, timestep, context, rope_cos: cos, rope_sin: sin });
        const velocity = float32Output(outputs, 'dit', 'velocity');
        expectDims('dit', velocity, latentTensorDims(shape));
        velocities.push(velocity.data);
      }
      return velocities;
    },

    decode: (latents, shape) =>
      decodeWanStream(runner, latents, shape, {
        cacheTensors: manifest.vae.cacheTensors,
        framesPerLatent: latent.temporalCompression,
        spatialCompression: latent.spatialCompression,
      }),
  };
}

function sameShape(a: LatentDims, b: LatentDims): boolean {
  return a.channels === b.channels && a.frames === b.frames && a.height === b.height && a.width === b.width;
}

function latentTensorDims(shape: LatentDims): number[] {
  return [1, shape.channels, shape.frames, shape.height, shape.width];
}
