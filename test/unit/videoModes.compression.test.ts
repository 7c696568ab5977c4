/** The modes' frame arithmetic follows the pack's temporal compression: a pack whose autoencoder groups 2 frames, not 4. */
import { describe, expect, it } from 'vitest';
import { createArchitecture } from '../../src/architectures/registry';
import { parseManifest } from '../../src/models/manifest';
import type { PipelineError } from '../../src/pipeline/errors';
import type { Tensor32 } from '../../src/pipeline/modelRunner';
import { generateVideo, type GenerationMode, type RgbaClip } from '../../src/pipeline/videoModes';
import { fakeRunner } from '../fixtures/fakeRunner';
import { validManifestJson } from '../fixtures/manifestFixture';

const json = validManifestJson();
json.latent.temporalCompression = 2;
json.video.frameCounts = [1, 5, 9, 13, 17]; // 1 + 2·(T − 1)
const manifest = parseManifest(json);
const fake = () => fakeRunner({ embedDim: 16, velocity: 0.25, temporalCompression: 2, spatialCompression: 4 });

/** Frame f is flat gray (base + f + 1)·7, so the fake encoder's latent of a group is its mean / 255. */
function grayClip(frames: number, base = 0): RgbaClip {
  return { width: 56, height: 32, frames: Array.from({ length: frames }, (_, f) => new Uint8ClampedArray(56 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : (base + f + 1) * 7))) };
}
const mean = (fs: number[], base = 0) => fs.reduce((s, f) => s + ((base + f + 1) * 7) / 255, 0) / fs.length;
/** The value of latent frame j of a decoded [1, C, T, h, w] latent (known frames are flat). */
const latentValue = (latent: Tensor32, j: number) => latent.data[j * (latent.dims[3]! * latent.dims[4]!)]!;
const request = (mode: GenerationMode, frames: number) => ({ prompt: 'a red circle moving left', seed: 3, steps: 3, guidance: 2, aspect: '16:9', frames, mode });

describe('generateVideo with temporal compression 2', () => {
  it('extends forward from the clip’s last 1 + 2k frames and appends the frames after them', async () => {
    const { runner, log } = fake();
    const clip = grayClip(9);
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'extend', clip, direction: 'forward' }, 9));
    // T = 5, k = 2: frames 4…8 encoded as frame 4 alone, then 5–6 and 7–8 → latents 0, 1, 2.
    expect(log.encodedFrames[0]!.dims).toEqual([1, 3, 5, 32, 56]);
    const [decoded] = log.decodedLatents;
    expect(latentValue(decoded!, 0)).toBeCloseTo(mean([4]), 6);
    expect(latentValue(decoded!, 1)).toBeCloseTo(mean([5, 6]), 6);
    expect(latentValue(decoded!, 2)).toBeCloseTo(mean([7, 8]), 6);
    expect(video.frames).toHaveLength(9 + 4);
    expect(video.frames.slice(0, 9)).toEqual(clip.frames);
    expect(video.frames.slice(9)).toEqual(video.sampledFrames.slice(5));
    expect(video.sampledOffset).toBe(4);
  });

  it('extends backward from the clip’s first 2k frames, the new frames before them', async () => {
    const { runner, log } = fake();
    const clip = grayClip(9);
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'extend', clip, direction: 'backward', contextGroups: 1 }, 9));
    // k = 1: [f0, f0, f1] encoded, latent 1 (frames 0–1) placed last (latent 4); 1 + 2·3 sampled frames kept.
    expect(log.encodedFrames[0]!.dims).toEqual([1, 3, 3, 32, 56]);
    expect(latentValue(log.decodedLatents[0]!, 4)).toBeCloseTo(mean([0, 1]), 6);
    expect(video.frames).toHaveLength(7 + 9);
    expect(video.frames.slice(7)).toEqual(clip.frames);
  });

  it('connects with groups of 2 and cuts the middle at 1 + 2k … 1 + 2(T − 1 − k)', async () => {
    const { runner, log } = fake();
    const a = grayClip(5);
    const b = grayClip(4, 20);
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'connect', first: a, second: b }, 13));
    // T = 7, k = 2: A's frames 0…4 → latents 0–2, B's frames 0–3 → latents 5–6; middle = sampled 5…8.
    const [decoded] = log.decodedLatents;
    expect(latentValue(decoded!, 2)).toBeCloseTo(mean([3, 4]), 6);
    expect(latentValue(decoded!, 6)).toBeCloseTo(mean([2, 3], 20), 6);
    expect(video.frames).toHaveLength(5 + 4 + 4);
    expect(video.frames.slice(5, 9)).toEqual(video.sampledFrames.slice(5, 9));
  });

  it('re-generates 1 + 2(T − 1) frames in video-to-video and loops over 2(T − 2) frames by tie', async () => {
    const v2v = await generateVideo(createArchitecture(manifest, fake().runner), manifest, request({ kind: 'video-to-video', clip: grayClip(9), strength: 0.5 }, 9));
    expect(v2v.frames).toHaveLength(9);
    const loop = await generateVideo(createArchitecture(manifest, fake().runner), manifest, request({ kind: 'loop', method: 'tie' }, 9));
    expect(loop.frames).toEqual(loop.sampledFrames.slice(1, 1 + 2 * 3));
  });

  it('names groups of 2 frames when a source is too short', async () => {
    const error = await generateVideo(createArchitecture(manifest, fake().runner), manifest, request({ kind: 'extend', clip: grayClip(2), direction: 'forward' }, 9)).catch((e: PipelineError) => e);
    expect(error).toMatchObject({ code: 'invalid-source', message: expect.stringMatching(/at least one group of 2 frames \(3 frames when its end is kept\)/) });
  });
});
