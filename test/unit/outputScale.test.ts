import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packInfo } from '../../src/engine/packInfo';
import { defaultOutputScale, MAX_OFFERED_SIDE, MIN_OUTPUT_SHORT_SIDE, offeredOutputScales, resolveOutputScale } from '../../src/media/outputScale';
import { decodedSize, parseManifest } from '../../src/models/manifest';
import { MIN_SIDE } from '../../src/safety/watermark';
import { outputScaleOptions } from '../../src/state/selectors';
import { validManifestJson } from '../fixtures/manifestFixture';
import { wan21ManifestJson } from '../fixtures/wan21ManifestFixture';

const shipped = (name: string) => parseManifest(JSON.parse(readFileSync(`public/models/${name}/manifest.json`, 'utf8')));
const sizes = (entries: [number, number][]) => ({ sizes: Object.fromEntries(entries.map(([width, height], i) => [`a${i}`, { width, height }])) });

describe('defaultOutputScale', () => {
  it('gives each shipped and converted pack the smallest factor reaching a 128-pixel shorter side', () => {
    expect(defaultOutputScale(shipped('tessera-tiny').video)).toBe(4);
    expect(defaultOutputScale(shipped('tessera-tiny-fp32').video)).toBe(4);
    expect(defaultOutputScale(shipped('tessera-tiny-2').video)).toBe(1);
    expect(defaultOutputScale(parseManifest(wan21ManifestJson()).video)).toBe(1);
  });

  it('keeps tessera-tiny’s files at 224×128, 128×128 and 128×224 (the sizes of every earlier output)', () => {
    const { video } = shipped('tessera-tiny');
    const scale = defaultOutputScale(video);
    const out = Object.values(video.sizes).map((size) => [decodedSize(video, size).width * scale, decodedSize(video, size).height * scale]);
    expect(out.sort()).toEqual([[128, 128], [128, 224], [224, 128]]);
  });

  it('rounds up, so the smallest size of the pack reaches the minimum, and never shrinks', () => {
    expect(defaultOutputScale(sizes([[100, 60]]))).toBe(3);
    expect(defaultOutputScale(sizes([[64, 64]]))).toBe(2);
    expect(defaultOutputScale(sizes([[65, 65]]))).toBe(2);
    expect(defaultOutputScale(sizes([[127, 200]]))).toBe(2);
    expect(defaultOutputScale(sizes([[MIN_OUTPUT_SHORT_SIDE, 500]]))).toBe(1);
    expect(defaultOutputScale(sizes([[1024, 1024]]))).toBe(1);
    // One factor per pack: its smallest frame decides for every aspect.
    expect(defaultOutputScale(sizes([[256, 256], [64, 40]]))).toBe(4);
  });

  it('counts the decoder’s own upscale', () => {
    expect(defaultOutputScale({ ...sizes([[32, 32]]), decoderUpscale: 2 })).toBe(2);
    expect(defaultOutputScale({ ...sizes([[32, 32]]), decoderUpscale: 4 })).toBe(1);
  });
});

describe('resolveOutputScale', () => {
  const tiny = shipped('tessera-tiny').video;
  const wan = parseManifest(wan21ManifestJson()).video;

  it('follows the pack while the user has chosen nothing', () => {
    expect(resolveOutputScale(null, tiny)).toBe(4);
    expect(resolveOutputScale(null, wan)).toBe(1);
  });

  it('lets a chosen factor win over any pack’s default', () => {
    expect(resolveOutputScale(2, tiny)).toBe(2);
    expect(resolveOutputScale(1, tiny)).toBe(1);
    expect(resolveOutputScale(3, wan)).toBe(3);
  });
});

describe('offeredOutputScales', () => {
  it('offers factors from a watermarkable shorter side up to a 1920-pixel longer side', () => {
    expect(offeredOutputScales({ width: 56, height: 32 })).toEqual(Array.from({ length: 15 }, (_, i) => i + 2));
    expect(offeredOutputScales({ width: 320, height: 192 })).toEqual([1, 2, 3, 4, 5, 6]);
    expect(offeredOutputScales({ width: 192, height: 320 })).toEqual([1, 2, 3, 4, 5, 6]);
    expect(offeredOutputScales({ width: 63, height: 63 })).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(offeredOutputScales({ width: MIN_SIDE, height: MIN_SIDE })[0]).toBe(1);
  });

  it('offers ×1 alone for a frame beyond the largest offered side', () => {
    expect(offeredOutputScales({ width: MAX_OFFERED_SIDE + 1, height: 100 })).toEqual([1]);
  });
});

describe('outputScaleOptions', () => {
  const tiny = packInfo(shipped('tessera-tiny'), {});
  const tiny2 = packInfo(shipped('tessera-tiny-2'), {});
  const wan = packInfo(parseManifest(wan21ManifestJson()), {});

  it('puts the pack’s default first, with the file size at the form’s aspect', () => {
    expect(outputScaleOptions(tiny, '16:9', null)[0]).toEqual({ factor: null, label: 'Model default, ×4 (224×128)' });
    expect(outputScaleOptions(tiny2, '16:9', null)[0]).toEqual({ factor: null, label: 'Model default, ×1 (224×128)' });
    expect(outputScaleOptions(wan, '5:3', null)[0]).toEqual({ factor: null, label: 'Model default, ×1 (320×192)' });
    expect(outputScaleOptions(wan, '5:3', null).slice(1).map((o) => o.label)).toEqual(['×1 (320×192)', '×2 (640×384)', '×3 (960×576)', '×4 (1280×768)', '×5 (1600×960)', '×6 (1920×1152)']);
  });

  it('keeps a choice this pack would not offer, rather than dropping it silently', () => {
    expect(outputScaleOptions(wan, '5:3', 8).at(-1)).toEqual({ factor: 8, label: '×8 (2560×1536)' });
    expect(outputScaleOptions(wan, '5:3', 2).filter((o) => o.factor === 2)).toHaveLength(1);
    expect(outputScaleOptions(tiny, '1:1', 1).at(-1)).toEqual({ factor: 1, label: '×1 (32×32)' });
  });

  it('offers nothing without a pack or for an aspect the pack lacks', () => {
    expect(outputScaleOptions(null, '1:1', null)).toEqual([]);
    expect(outputScaleOptions(wan, '16:9', null)).toEqual([]);
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
