import { describe, expect, it } from 'vitest';
import type { Architecture } from '../../src/pipeline/architecture';
import type { PipelineError } from '../../src/pipeline/errors';
import { gaussianNoise } from '../../src/pipeline/noise';
import { textToVideo, type PackSettings, type TextToVideoRequest } from '../../src/pipeline/textToVideo';

/**
 * A one-step flow-matching sampler ends at noise − v, so the final latents show which prompt's
 * prediction each latent frame followed. The denoiser here predicts a constant per text: its length.
 */
const shape = { channels: 2, frames: 3, height: 1, width: 2 };
const plane = shape.height * shape.width;
const pack: PackSettings = {
  video: { fps: 8, sizes: { '1:1': { width: 2, height: 1 } }, frameCounts: [1, 5, 9] },
  scheduler: { type: 'flow-match-euler', steps: 1, shift: 1, guidance: 1 },
};
function textLengthArchitecture(batches: string[][]): Architecture {
  return {
    name: 'text-length',
    framesPerLatent: 4,
    latentShape: () => shape,
    async encodePrompt(texts) {
      batches.push([...texts]);
      return { rows: texts.length, unknownWords: texts.map(() => []), lengths: texts.map((t) => t.length) } as never;
    },
    async predict(sample, _shape, _t, embeddings) {
      const { lengths } = embeddings as unknown as { lengths: number[] };
      return lengths.map((length) => new Float32Array(sample.length).fill(length));
    },
    async *decode(_latents, dims) {
      yield Array.from({ length: 1 + 4 * (dims.frames - 1) }, () => new Uint8ClampedArray(2 * 1 * 4));
    },
  };
}
const request: TextToVideoRequest = { prompt: 'abcd', seed: 3, aspect: '1:1', frames: 9 };

async function finalLatents(change: Partial<TextToVideoRequest>, batches: string[][] = []): Promise<Float32Array> {
  let last: Float32Array | undefined;
  await textToVideo(textLengthArchitecture(batches), pack, { ...request, ...change }, { onStepEnd: (e) => (last = e.latents.data) });
  return last!;
}

describe('prompt blend', () => {
  it('encodes the second prompt in the same batch and takes each latent frame’s share of its prediction', async () => {
    const batches: string[][] = [];
    const latents = await finalLatents({ promptBlend: { prompt: 'abcdefgh', weights: [1, 0.5, 0] } }, batches);
    expect(batches).toEqual([['abcd', 'abcdefgh']]);
    const noise = gaussianNoise(latents.length, 3);
    // Frame f's velocity: (1 − w)·4 + w·8.
    const velocity = [8, 6, 4];
    for (let c = 0; c < shape.channels; c++) {
      for (let f = 0; f < shape.frames; f++) {
        for (let p = 0; p < plane; p++) {
          const i = (c * shape.frames + f) * plane + p;
          expect(latents[i]).toBeCloseTo(noise[i]! - velocity[f]!, 5);
        }
      }
    }
  });

  it('blends guided predictions: with guidance the rows are the caption, the negative prompt, the blended prompt', async () => {
    const batches: string[][] = [];
    const latents = await finalLatents({ guidance: 3, negativePrompt: 'ab', promptBlend: { prompt: 'abcdefgh', weights: [0, 0, 1] } }, batches);
    expect(batches).toEqual([['abcd', 'ab', 'abcdefgh']]);
    const noise = gaussianNoise(latents.length, 3);
    // Guided: 2 + 3·(4 − 2) = 8 under the caption, 2 + 3·(8 − 2) = 20 under the blended prompt.
    expect(latents[0]).toBeCloseTo(noise[0]! - 8, 5);
    expect(latents[2 * plane]).toBeCloseTo(noise[2 * plane]! - 20, 5);
  });

  it('gives the same latents as no blend when every weight is 0', async () => {
    expect(await finalLatents({ promptBlend: { prompt: 'abcdefgh', weights: [0, 0, 0] } })).toEqual(await finalLatents({}));
  });

  it.each([
    [{ prompt: ' ', weights: [0, 0, 0] }, 'invalid-prompt'],
    [{ prompt: 'ab', weights: [0, 0] }, 'invalid-conditioning'],
    [{ prompt: 'ab', weights: [0, 1.5, 0] }, 'invalid-conditioning'],
  ])('refuses the blend %o with code %s', async (promptBlend, code) => {
    const error = await finalLatents({ promptBlend }).catch((e: PipelineError) => e);
    expect((error as PipelineError).code).toBe(code);
  });
});
