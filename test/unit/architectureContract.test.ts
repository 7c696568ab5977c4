/**
 * The Architecture port holds for a family other than tessera-tiny: the generic pipeline generates
 * through the test's "char-test" architecture (test/fixtures/charArchitecture.ts: character tokenizer,
 * channels-last latents of 3 channels, no patches, other roles and tensor names, decoding in groups,
 * no encoder, no expansion) with the shapes that family defines, deterministic per seed.
 */
import { describe, expect, it } from 'vitest';
import type { PipelineError } from '../../src/pipeline/errors';
import { textToVideo } from '../../src/pipeline/textToVideo';
import { generateVideo, type GenerationMode } from '../../src/pipeline/videoModes';
import { CHAR_PACK, charArchitecture, charRunner } from '../fixtures/charArchitecture';

const request = { prompt: 'a kite over the sea', seed: 5, aspect: '4:3', frames: 7, steps: 3 };
const sameBytes = (a: readonly Uint8ClampedArray[], b: readonly Uint8ClampedArray[]) => a.length === b.length && a.every((frame, i) => Buffer.from(frame).equals(Buffer.from(b[i]!)));

async function generate(change: Partial<typeof request> = {}, mode: GenerationMode = { kind: 'text' }) {
  const { runner, log } = charRunner();
  const video = await generateVideo(charArchitecture(runner), CHAR_PACK, { ...request, ...change, mode });
  return { video, log };
}

describe('a second architecture behind the same port', () => {
  it('generates frames of the size and count its latent layout gives (7 frames = latent 4 × 3 × 4 × 3 channels)', async () => {
    const { video, log } = await generate();
    expect(video).toMatchObject({ width: 8, height: 6, fps: 6, steps: 3, guidance: 3, caption: request.prompt, unknownWords: [] });
    expect(video.frames).toHaveLength(7);
    for (const frame of video.frames) expect(frame).toHaveLength(8 * 6 * 4);
    // Its own roles and tensor names: one text batch of [prompt, negative], one denoiser run per row and step in
    // channels-last layout, then one decoder run per latent frame (frame 0 alone, then groups of 2).
    expect(log.runs[0]).toEqual({ role: 'text', inputs: { char_ids: [2, 12] } });
    const denoiser = log.runs.filter((r) => r.role === 'denoiser');
    expect(denoiser).toHaveLength(2 * 3);
    expect(denoiser[0]!.inputs).toEqual({ z: [4, 3, 4, 3], sigma_1000: [1], prompt_vector: [5] });
    expect(log.runs.filter((r) => r.role === 'decoder').map((r) => r.inputs.latent_frame)).toEqual([[3, 3, 4], [3, 3, 4], [3, 3, 4], [3, 3, 4]]);
  });

  it('gives the same bytes for the same seed, and other frames for another seed or prompt', async () => {
    const first = (await generate()).video.frames;
    expect(sameBytes(first, (await generate()).video.frames)).toBe(true);
    expect(sameBytes(first, (await generate({ seed: 6 })).video.frames)).toBe(false);
    expect(sameBytes(first, (await generate({ prompt: 'a boat under a bridge' })).video.frames)).toBe(false);
    // Not a constant picture: the random weights and noise give frames with more than one value.
    expect(new Set(first[3]).size).toBeGreaterThan(2);
  });

  it('makes an image (1 frame, 1 latent frame, 1 decode group) and a square clip', async () => {
    const image = await generate({ frames: 1 });
    expect(image.video.frames).toHaveLength(1);
    expect(image.log.runs.filter((r) => r.role === 'decoder')).toHaveLength(1);
    const square = await generate({ aspect: '1:1', frames: 5 });
    expect(square.video).toMatchObject({ width: 6, height: 6 });
    expect(square.video.frames).toHaveLength(5);
  });

  it('runs a loop, which needs no encoder, with the frame arithmetic of its own compression', async () => {
    const { video } = await generate({}, { kind: 'loop' });
    // Roll drops frame 0 (the image latent): 7 − 1 frames.
    expect(video.frames).toHaveLength(6);
  });

  it('refuses the modes that start from source frames, because it has no encoder, before running a graph', async () => {
    const { runner, log } = charRunner();
    const image = { width: 8, height: 6, frames: [new Uint8ClampedArray(8 * 6 * 4).fill(200)] };
    const error = await generateVideo(charArchitecture(runner), CHAR_PACK, { ...request, mode: { kind: 'image-to-video', image } }).catch((e: PipelineError) => e);
    expect(error).toMatchObject({ code: 'invalid-source', message: expect.stringContaining('char-test pack has no encoder') });
    expect(log.runs).toHaveLength(0);
  });

  it('names the architecture when its predict breaks the contract (one row where guidance needs two)', async () => {
    const { runner } = charRunner();
    const architecture = charArchitecture(runner);
    const broken = { ...architecture, predict: async (...args: Parameters<typeof architecture.predict>) => (await architecture.predict(...args)).slice(0, 1) };
    const error = await textToVideo(broken, CHAR_PACK, request).catch((e: PipelineError) => e);
    expect(error).toMatchObject({ code: 'model-output', message: 'char-test predicted 1 rows of [144] values, expected 2 rows of 144' });
  });

  it('offers no prompt expansion, and the pipeline samples without one', async () => {
    const { runner } = charRunner();
    const architecture = charArchitecture(runner);
    expect(architecture.expandPrompt).toBeUndefined();
    const video = await textToVideo(architecture, CHAR_PACK, request);
    expect(video.expansion).toBeUndefined();
  });
});
