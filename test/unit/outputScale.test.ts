import { describe, expect, it } from 'vitest';
import { packInfo } from '../../src/engine/packInfo';
import { DEFAULT_OUTPUT_SCALE, remainingUpscale } from '../../src/media/outputScale';
import { decodedSize, parseManifest } from '../../src/models/manifest';
import { validManifestJson } from '../fixtures/manifestFixture';

describe('remainingUpscale', () => {
  it('enlarges frames at the model size by the whole scale, and a 4× decoder’s not at all', () => {
    expect(remainingUpscale(DEFAULT_OUTPUT_SCALE)).toBe(4);
    expect(remainingUpscale(DEFAULT_OUTPUT_SCALE, 1)).toBe(4);
    expect(remainingUpscale(DEFAULT_OUTPUT_SCALE, 4)).toBe(1);
    expect(remainingUpscale(8, 4)).toBe(2);
  });

  it('never shrinks: a decoder larger than the scale asked for keeps its size', () => {
    expect(remainingUpscale(2, 4)).toBe(1);
    expect(remainingUpscale(1, 8)).toBe(1);
  });

  it('gives the same output size for both kinds of pack at the default scale', () => {
    const plain = parseManifest(validManifestJson());
    const json = validManifestJson();
    json.video.decoderUpscale = 4;
    const superResolving = parseManifest(json);
    const outputWidth = (video: typeof plain.video) => decodedSize(video, video.sizes['16:9']!).width * remainingUpscale(DEFAULT_OUTPUT_SCALE, video.decoderUpscale);
    expect(outputWidth(plain.video)).toBe(224);
    expect(outputWidth(superResolving.video)).toBe(224);
  });
});

describe('packInfo', () => {
  it('tells the page a pack’s decoder upscale, and nothing for a pack without one', () => {
    const json = validManifestJson();
    expect(Object.hasOwn(packInfo(parseManifest(json), {}), 'decoderUpscale')).toBe(false);
    json.video.decoderUpscale = 4;
    expect(packInfo(parseManifest(json), {}).decoderUpscale).toBe(4);
  });

  it('tells the page whether the pack’s architecture expands prompts', () => {
    const manifest = parseManifest(validManifestJson());
    expect(packInfo(manifest, {}).promptExpansion).toBe(false);
    expect(packInfo(manifest, { expandPrompt: (prompt) => ({ caption: prompt, unknownWords: [], outsideAlphabet: [], changes: [] }) }).promptExpansion).toBe(true);
  });
});
