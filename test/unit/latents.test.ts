import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/models/manifest';
import { PipelineError } from '../../src/pipeline/errors';
import { checkFrameCount, decodedFrameCount, frameCountForSeconds, latentDims, resolveSize } from '../../src/pipeline/latents';
import { validManifestJson } from '../fixtures/manifestFixture';

const manifest = parseManifest(validManifestJson());
const { video, latent } = manifest;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as PipelineError).code;
  }
  return 'no error';
}

describe('latents', () => {
  it('maps a 16:9 clip of 33 frames to a 9x8x14 latent', () => {
    expect(latentDims(latent, resolveSize(video, '16:9'), 33)).toEqual({ channels: 4, frames: 9, height: 8, width: 14 });
    expect(latentDims(latent, resolveSize(video, '9:16'), 1)).toEqual({ channels: 4, frames: 1, height: 14, width: 8 });
    expect(decodedFrameCount(latent, 9)).toBe(33);
  });

  it('refuses aspect ratios and frame counts the pack does not list, naming the allowed ones', () => {
    expect(codeOf(() => resolveSize(video, '4:3'))).toBe('invalid-aspect');
    expect(() => resolveSize(video, '4:3')).toThrow('choose one of 16:9, 1:1, 9:16');
    expect(codeOf(() => resolveSize(video, 'constructor'))).toBe('invalid-aspect');
    expect(codeOf(() => checkFrameCount(video, 10))).toBe('invalid-frames');
    expect(() => checkFrameCount(video, 10)).toThrow('choose one of 1, 9, 17, 25, 33');
    expect(codeOf(() => checkFrameCount(video, 17))).toBe('no error');
    expect(codeOf(() => latentDims(latent, { width: 56, height: 32 }, 10))).toBe('invalid-frames');
  });

  it('picks the nearest allowed frame count for a duration', () => {
    expect(frameCountForSeconds(video, 0)).toBe(1);
    expect(frameCountForSeconds(video, 0.6)).toBe(1);
    expect(frameCountForSeconds(video, 0.7)).toBe(9);
    expect(frameCountForSeconds(video, 1)).toBe(9);
    expect(frameCountForSeconds(video, 2)).toBe(17);
    expect(frameCountForSeconds(video, 4)).toBe(33);
    expect(codeOf(() => frameCountForSeconds(video, 10))).toBe('invalid-frames');
    expect(codeOf(() => frameCountForSeconds(video, -1))).toBe('invalid-frames');
    expect(codeOf(() => frameCountForSeconds(video, Number.NaN))).toBe('invalid-frames');
  });
});
