import { describe, expect, it } from 'vitest';
import type { GenerateSettings } from '../../src/engine/protocol';
import { settingsFromLink, settingsLink } from '../../src/share/settingsLink';

const SETTINGS: GenerateSettings = {
  prompt: 'a red circle moving left & a "blue" square?',
  negativePrompt: '',
  aspect: '9:16',
  frames: 17,
  steps: 8,
  guidance: 3.5,
  seed: 4294967295,
  expandPrompt: true,
};

describe('settings links', () => {
  it('round-trips prompt, seed, aspect, frames, steps and guidance through the query string', () => {
    const link = settingsLink(SETTINGS, 'https://tessera.example/app/?backend=wasm#x');
    expect(link).toMatch(/^https:\/\/tessera\.example\/app\/\?backend=wasm&prompt=/);
    expect(link).not.toContain('#');
    expect(link).not.toContain('negative=');
    expect(settingsFromLink(link)).toEqual({ prompt: SETTINGS.prompt, seed: 4294967295, aspect: '9:16', frames: 17, steps: 8, guidance: 3.5 });
  });

  it('carries a negative prompt and expansion turned off', () => {
    const link = settingsLink({ ...SETTINGS, negativePrompt: 'green', expandPrompt: false }, 'http://127.0.0.1:5173/');
    expect(settingsFromLink(link)).toMatchObject({ negativePrompt: 'green', expandPrompt: false });
  });

  it('replaces the settings of an earlier link instead of repeating them', () => {
    const first = settingsLink(SETTINGS, 'http://localhost/');
    const second = settingsLink({ ...SETTINGS, seed: 5 }, first);
    expect(new URL(second).searchParams.getAll('seed')).toEqual(['5']);
  });

  it('is null for the app URL without settings (test hooks and backend are not settings)', () => {
    expect(settingsFromLink('http://localhost/?testHooks=1&backend=wasm')).toBeNull();
  });

  it('drops values of the wrong shape one by one and keeps the rest', () => {
    const restored = settingsFromLink('http://localhost/?prompt=hi&seed=-1&aspect=wide&steps=2.5&guidance=abc&frames=9');
    expect(restored).toEqual({ prompt: 'hi', frames: 9 });
    expect(settingsFromLink('http://localhost/?seed=4294967296')).toEqual({});
    expect(settingsFromLink('http://localhost/?seed=0&guidance=101')).toEqual({ seed: 0 });
  });
});
