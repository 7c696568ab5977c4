/** A pack whose decoder renders at 4× the model's size (manifest video.decoderUpscale): outputs, sources and errors. */
import { describe, expect, it } from 'vitest';
import { createArchitecture } from '../../src/architectures/registry';
import { parseManifest } from '../../src/models/manifest';
import { PipelineError } from '../../src/pipeline/errors';
import { generateVideo, type GenerationMode, type RgbaClip } from '../../src/pipeline/videoModes';
import { fakeRunner } from '../fixtures/fakeRunner';
import { validManifestJson } from '../fixtures/manifestFixture';

const json = validManifestJson();
json.video.decoderUpscale = 4;
const manifest = parseManifest(json);
const fake = (decoderUpscale = 4) => fakeRunner({ embedDim: 16, velocity: 0.25, temporalCompression: 4, spatialCompression: 4, decoderUpscale });
const request = (mode: GenerationMode, frames: number) => ({ prompt: 'a red circle moving left', seed: 3, steps: 2, guidance: 2, aspect: '16:9', frames, mode });

/** A 16:9 clip at `width`×`height` whose frame f is flat gray 20·(f + 1). */
function grayClip(frames: number, width: number, height: number): RgbaClip {
  return { width, height, frames: Array.from({ length: frames }, (_, f) => new Uint8ClampedArray(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : 20 * (f + 1)))) };
}

describe('a pack with video.decoderUpscale 4', () => {
  it('makes frames four times wider and taller than the latent size says', async () => {
    const { runner, log } = fake();
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'text' }, 9));
    expect(log.dit[0]!.tokensDims).toEqual([2, 3 * 4 * 7, 16]); // the DiT's latents are unchanged: 8×14 per frame
    expect([video.width, video.height]).toEqual([224, 128]);
    expect(video.frames).toHaveLength(9);
    expect(video.frames.every((frame) => frame.length === 224 * 128 * 4)).toBe(true);
  });

  it('encodes a source at the model size and joins it to the output at the decoded size', async () => {
    const { runner, log } = fake();
    const clip = grayClip(9, 224, 128);
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'extend', clip, direction: 'forward' }, 9));
    expect(log.encodedFrames[0]!.dims).toEqual([1, 3, 5, 32, 56]); // the clip's last 1 + 4k frames, k = 1
    expect(video.frames).toHaveLength(9 + 4);
    // A flat source keeps its values through both resamplings; the joined frames are the source's own.
    expect(video.frames.slice(0, 9)).toEqual(clip.frames);
    expect(video.frames.slice(9)).toEqual(video.sampledFrames.slice(5));
    expect(video.sampledFrames[0]!.length).toBe(224 * 128 * 4);
  });

  it('enlarges a model-size source to the decoded size before joining it', async () => {
    const { runner, log } = fake();
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'connect', first: grayClip(5, 56, 32), second: grayClip(4, 56, 32) }, 17));
    expect(log.encodedFrames.map((t) => t.dims.slice(3))).toEqual([
      [32, 56],
      [32, 56],
    ]);
    expect(video.frames.every((frame) => frame.length === 224 * 128 * 4)).toBe(true);
  });

  it('refuses a decoder whose frames are not the declared size, naming both sizes', async () => {
    const { runner } = fake(1);
    const error = await generateVideo(createArchitecture(manifest, runner), manifest, request({ kind: 'text' }, 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).code).toBe('model-output');
    expect((error as PipelineError).message).toContain('[1, 3, 1, 32, 56], expected [1, 3, 1, 128, 224]');
  });
});
