/** The modes' bookkeeping with a fake runner: which frames are encoded, where their latents go, how outputs are joined. */
import { describe, expect, it } from 'vitest';
import { createArchitecture } from '../../src/architectures/registry';
import { parseManifest } from '../../src/models/manifest';
import type { PipelineError } from '../../src/pipeline/errors';
import type { Tensor32 } from '../../src/pipeline/modelRunner';
import { generateVideo, type GenerationMode, type RgbaClip, type VideoRequest } from '../../src/pipeline/videoModes';
import { fakeRunner } from '../fixtures/fakeRunner';
import { validManifestJson } from '../fixtures/manifestFixture';

const manifest = parseManifest(validManifestJson()); // 4 latent channels, 56×32 for 16:9 → latent 8×14
const fake = () => fakeRunner({ embedDim: 16, velocity: 0.25, temporalCompression: 4, spatialCompression: 4 });

/** A clip whose frame f is flat gray (f + 1)·7, so the fake encoder's latent of a group is its mean value / 255. */
function grayClip(frames: number, width = 56, height = 32, base = 0): RgbaClip {
  return {
    width,
    height,
    frames: Array.from({ length: frames }, (_, f) => new Uint8ClampedArray(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (base + f + 1) * 7))),
  };
}
const gray = (f: number, base = 0) => ((base + f + 1) * 7) / 255;
const mean = (fs: number[], base = 0) => fs.reduce((s, f) => s + gray(f, base), 0) / fs.length;

/** Latent frame j of a decoded latent [1, C, T, h, w] (all channels and pixels are equal for known frames). */
function latentFrame(latent: Tensor32, j: number): Float32Array {
  const [, c = 0, t = 0, h = 0, w = 0] = latent.dims;
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) out.set(latent.data.subarray((ch * t + j) * h * w, (ch * t + j + 1) * h * w), ch * h * w);
  return out;
}
const flatValue = (values: Float32Array) => {
  expect(Math.max(...values) - Math.min(...values)).toBeLessThan(1e-6);
  return values[0]!;
};

const request = (mode: GenerationMode, change: Partial<VideoRequest> = {}): VideoRequest => ({ prompt: 'a red circle moving left', seed: 3, steps: 3, guidance: 2, mode, ...change });

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  return promise.then(
    () => ({ code: 'resolved', message: '' }),
    (e: PipelineError) => ({ code: e.code, message: e.message }),
  );
}

describe('generateVideo', () => {
  it('text mode samples the pack’s longest clip at the given aspect, unconditioned', async () => {
    const { runner, log } = fake();
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'text' }, { aspect: '1:1' }));
    expect(video).toMatchObject({ mode: 'text', aspect: '1:1', width: 32, height: 32, sampledOffset: 0 });
    expect(video.frames).toHaveLength(33);
    expect(log.encodedFrames).toHaveLength(0);
  });

  it('image-to-video encodes the image alone and fixes latent frame 0 to it', async () => {
    const { runner, log } = fake();
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'image-to-video', image: grayClip(1, 112, 64) }, { frames: 9 }));
    expect(video.aspect).toBe('16:9'); // chosen from the 112×64 image
    expect(log.encodedFrames.map((t) => t.dims)).toEqual([[1, 3, 1, 32, 56]]);
    const [decoded] = log.decodedLatents;
    expect(flatValue(latentFrame(decoded!, 0))).toBeCloseTo(gray(0), 6);
    expect(latentFrame(decoded!, 1).some((v) => Math.abs(v - gray(0)) > 0.01)).toBe(true);
    expect(video.frames).toHaveLength(9);
  });

  it('extends forward: the clip’s last 1 + 4k frames become latents 0…k, the output is clip + new frames', async () => {
    const { runner, log } = fake();
    const clip = grayClip(17);
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'extend', clip, direction: 'forward' }, { frames: 17 }));
    // k = 2: frames 8…16 encoded as frame 8 alone, then 9–12 and 13–16.
    expect(log.encodedFrames[0]!.dims).toEqual([1, 3, 9, 32, 56]);
    const [decoded] = log.decodedLatents;
    expect(flatValue(latentFrame(decoded!, 0))).toBeCloseTo(gray(8), 6);
    expect(flatValue(latentFrame(decoded!, 1))).toBeCloseTo(mean([9, 10, 11, 12]), 6);
    expect(flatValue(latentFrame(decoded!, 2))).toBeCloseTo(mean([13, 14, 15, 16]), 6);
    expect(video.frames).toHaveLength(17 + 8);
    expect(video.frames.slice(0, 17)).toEqual(clip.frames);
    expect(video.frames.slice(17)).toEqual(video.sampledFrames.slice(9));
    expect(video.sampledOffset).toBe(8);
  });

  it('an overlap resamples the clip’s last kept group: the output carries it, and its prompt runs as a third row', async () => {
    const { runner, log } = fake();
    const clip = grayClip(17);
    const mode: GenerationMode = { kind: 'extend', clip, direction: 'forward', overlap: { releaseBelow: 0.8 }, previousPrompt: 'a red circle moving up' };
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request(mode, { frames: 17 }));
    expect(log.textEncoderDims).toEqual([[3, 8]]);
    expect(log.dit[0]).toMatchObject({ tokensDims: [3, expect.any(Number), expect.any(Number)] });
    // Latents 0 and 1 are kept; latent 2 (frames 13–16) is sampled again: the output's frames 13… are the sampled 5…
    expect(flatValue(latentFrame(log.decodedLatents[0]!, 1))).toBeCloseTo(mean([9, 10, 11, 12]), 6);
    expect(video.frames).toHaveLength(17 + 8);
    expect(video.frames.slice(0, 13)).toEqual(clip.frames.slice(0, 13));
    expect(video.frames.slice(13)).toEqual(video.sampledFrames.slice(5));
    expect(video.newFrames).toBe(12);
  });

  it('extends backward: the clip’s first 4k frames become the last k latents, the output is new frames + clip', async () => {
    const { runner, log } = fake();
    const clip = grayClip(17);
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'extend', clip, direction: 'backward', contextGroups: 1 }, { frames: 17 }));
    // k = 1: [f0, f0…f3] encoded, latent 0 dropped, latent 1 placed last (latent 4).
    expect(log.encodedFrames[0]!.dims).toEqual([1, 3, 5, 32, 56]);
    const [decoded] = log.decodedLatents;
    expect(flatValue(latentFrame(decoded!, 4))).toBeCloseTo(mean([0, 1, 2, 3]), 6);
    expect(video.frames).toHaveLength(13 + 17);
    expect(video.frames.slice(13)).toEqual(clip.frames);
    expect(video.frames.slice(0, 13)).toEqual(video.sampledFrames.slice(0, 13));
  });

  it('a warm start begins image-to-video at the given time, new frames from the image’s latent', async () => {
    const { runner, log } = fake();
    await generateVideo(createArchitecture(manifest, runner), manifest, { ...request({ kind: 'image-to-video', image: grayClip(1) }, { frames: 9, steps: 4 }), warmStart: 0.6 });
    expect(log.dit[0]!.timestep[0]).toBeCloseTo(0.6, 6);
    expect(log.dit).toHaveLength(2);
  });

  it('video-to-video at strength 0 runs no denoising step and decodes the source latents', async () => {
    const { runner, log } = fake();
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'video-to-video', clip: grayClip(20), strength: 0 }));
    expect(video.frames).toHaveLength(17); // the longest count the 20-frame source fills
    expect(log.dit).toHaveLength(0);
    expect(flatValue(latentFrame(log.decodedLatents[0]!, 2))).toBeCloseTo(mean([5, 6, 7, 8]), 6);
  });

  it('video-to-video starts denoising at t = strength', async () => {
    const { runner, log } = fake();
    await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'video-to-video', clip: grayClip(9), strength: 0.6 }, { steps: 4 }));
    // schedule 1, .882, .714, .455, 0 → starts at .6, then .455
    expect(log.dit.map((d) => d.timestep[0])).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.4545454, 6)]);
  });

  it('a loop ties latent 1 to the last latent and returns frames 1 … 4(T−2)', async () => {
    const { runner, log } = fake();
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'loop', method: 'tie' }, { aspect: '16:9', frames: 17 }));
    const [decoded] = log.decodedLatents;
    expect(latentFrame(decoded!, 4)).toEqual(latentFrame(decoded!, 1));
    expect(latentFrame(decoded!, 2)).not.toEqual(latentFrame(decoded!, 1));
    expect(video.frames).toHaveLength(12);
    expect(video.frames).toEqual(video.sampledFrames.slice(1, 13));
  });

  it('a loop (rolled by default) samples latents 1…T−1 as a circle and returns frames 1 … 4(T−1)', async () => {
    const { runner, log } = fake();
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'loop' }, { aspect: '16:9', frames: 17 }));
    expect(log.dit).toHaveLength(3);
    expect(video.frames).toHaveLength(16);
    expect(video.frames).toEqual(video.sampledFrames.slice(1));
  });

  it('connects two clips: A’s end fixed at the start, B’s start at the end, output A + middle + B', async () => {
    const { runner, log } = fake();
    const a = grayClip(9);
    const b = grayClip(8, 56, 32, 20);
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'connect', first: a, second: b }, { frames: 25 }));
    // T = 7: k = 2 (A has 9 = 1 + 4·2 frames, B 8 = 4·2, and 7 − 1 − 2·2 = 2 latents stay free)
    const [decoded] = log.decodedLatents;
    expect(flatValue(latentFrame(decoded!, 0))).toBeCloseTo(gray(0), 6);
    expect(flatValue(latentFrame(decoded!, 1))).toBeCloseTo(mean([1, 2, 3, 4]), 6);
    expect(flatValue(latentFrame(decoded!, 2))).toBeCloseTo(mean([5, 6, 7, 8]), 6);
    expect(flatValue(latentFrame(decoded!, 5))).toBeCloseTo(mean([0, 1, 2, 3], 20), 6);
    expect(flatValue(latentFrame(decoded!, 6))).toBeCloseTo(mean([4, 5, 6, 7], 20), 6);
    expect(video.frames).toHaveLength(9 + 8 + 8);
    expect(video.frames.slice(0, 9)).toEqual(a.frames);
    expect(video.frames.slice(17)).toEqual(b.frames);
    expect(video.frames.slice(9, 17)).toEqual(video.sampledFrames.slice(9, 17));
  });

  it.each([
    [{ kind: 'image-to-video', image: grayClip(1) } as GenerationMode, { frames: 1 }, 'invalid-frames', /needs a video length/],
    [{ kind: 'extend', clip: grayClip(3), direction: 'forward' } as GenerationMode, {}, 'invalid-source', /the clip is too short/],
    [{ kind: 'extend', clip: grayClip(9), direction: 'forward', contextGroups: 2 } as GenerationMode, { frames: 9 }, 'invalid-frames', /leave nothing to generate/],
    [{ kind: 'video-to-video', clip: grayClip(9), strength: 1.5 } as GenerationMode, {}, 'invalid-conditioning', /strength 1.5 is not a number from 0/],
    [{ kind: 'video-to-video', clip: grayClip(9), strength: 0.5 } as GenerationMode, { frames: 17 }, 'invalid-source', /has 9 frames; 17 are needed/],
    [{ kind: 'loop', method: 'tie' } as GenerationMode, { aspect: '16:9', frames: 9 }, 'invalid-frames', /loop needs at least 4 latent frames/],
    [{ kind: 'loop', method: 'roll' } as GenerationMode, { aspect: '16:9', frames: 1 }, 'invalid-frames', /loop needs at least 3 latent frames/],
    [{ kind: 'loop' } as GenerationMode, {}, 'invalid-aspect', /needs an aspect ratio/],
    [{ kind: 'image-to-video', image: grayClip(1) } as GenerationMode, { frames: 9, warmStart: 0 }, 'invalid-conditioning', /warm start 0 is not a flow time/],
    [{ kind: 'connect', first: grayClip(9), second: grayClip(2) } as GenerationMode, {}, 'invalid-source', /a clip is too short/],
    [{ kind: 'extend', clip: grayClip(9), direction: 'backward', overlap: { releaseBelow: 0.8 } } as GenerationMode, {}, 'invalid-source', /extending backward keeps the clip as it is/],
    [{ kind: 'extend', clip: grayClip(9), direction: 'forward', overlap: { releaseBelow: 2 } } as GenerationMode, {}, 'invalid-conditioning', /overlap release time 2 is not a flow time/],
    [{ kind: 'extend', clip: grayClip(9), direction: 'backward', previousPrompt: 'a red circle' } as GenerationMode, {}, 'invalid-source', /extending backward continues none/],
    [{ kind: 'image-to-video', image: { width: 4, height: 4, frames: [new Uint8ClampedArray(3)] } } as GenerationMode, {}, 'invalid-source', /the image frame 0 holds 3 bytes/],
  ])('refuses %s mode requests it cannot do, before running the DiT (%#)', async (mode, change, code, message) => {
    const { runner, log } = fake();
    const error = await errorOf(generateVideo(createArchitecture(manifest, runner), manifest, request(mode, change)));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(log.dit).toHaveLength(0);
  });
});
