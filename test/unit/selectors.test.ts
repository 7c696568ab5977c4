import { describe, expect, it } from 'vitest';
import type { PackInfo } from '../../src/engine/protocol';
import { durationOptions, expansionUnavailable, formatDuration, loadText, progressText, promptGuide, promptPlaceholder } from '../../src/state/selectors';

const PACK: PackInfo = {
  name: 'p',
  version: '1.0.0',
  dtype: 'int8',
  description: '',
  fps: 8,
  sizes: { '1:1': { width: 32, height: 32 } },
  frameCounts: [1, 9, 17],
  defaultSteps: 20,
  defaultGuidance: 4,
  temporalCompression: 4,
  promptExpansion: true,
  sourceModes: true,
};

describe('UI selectors', () => {
  it('gives the reason a pack offers no prompt expansion; none for a pack that has one or before a pack loads', () => {
    expect(expansionUnavailable(PACK)).toBeNull();
    expect(expansionUnavailable(null)).toBeNull();
    expect(expansionUnavailable({ ...PACK, promptExpansion: false })).toBe('The p model offers no prompt expansion: it reads the prompt as written.');
  });

  it('says what the loaded model understands: its caption world where it expands prompts, free text otherwise', () => {
    expect(promptGuide(PACK)).toContain('p knows only the captions it was trained on (simple shapes, colours and motions)');
    expect(promptGuide({ ...PACK, name: 'wan', promptExpansion: false })).toContain('wan reads your prompt as free text, exactly as written');
    expect(promptGuide({ ...PACK, promptExpansion: false })).not.toContain('caption');
    expect(promptGuide(null)).toBe('Ctrl+Enter (⌘+Enter) generates.');
    expect(promptPlaceholder(PACK)).toBe('a red circle moving left on a blue background');
    expect(promptPlaceholder({ ...PACK, promptExpansion: false })).toBe('a dog running on a beach at sunset');
  });

  it('offers the pack frame counts as durations at its fps, one frame as an image', () => {
    expect(durationOptions(PACK)).toEqual([
      { frames: 1, label: 'Image (1 frame)' },
      { frames: 9, label: '1.1 s (9 frames)' },
      { frames: 17, label: '2.1 s (17 frames)' },
    ]);
    expect(durationOptions(null)).toEqual([]);
  });

  it('says step i of N with an ETA while denoising, the stage otherwise', () => {
    expect(progressText({ stage: 'denoise', step: 3, total: 20, etaMs: 4200 })).toBe('Step 3 of 20 · about 4.2 s left');
    expect(progressText({ stage: 'denoise', step: 0, total: 20, etaMs: null })).toBe('Step 0 of 20');
    expect(progressText({ stage: 'decode', step: 20, total: 20, etaMs: null })).toBe('Decoding frames…');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });

  it('says which file loads and how far, at start and while switching models', () => {
    expect(loadText({ stage: 'download', file: 'dit.onnx', loaded: 1_200_000, total: 5_786_804 })).toBe('Loading dit.onnx (1.20 MB of 5.79 MB)…');
    expect(loadText({ stage: 'load', file: 'dit', loaded: 2, total: 4 })).toBe('Loading dit (2 of 4)…');
    expect(loadText(null)).toBe('Starting…');
  });
});
