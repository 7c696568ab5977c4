import { describe, expect, it } from 'vitest';
import type { PackInfo } from '../../src/engine/protocol';
import {
  chooseStartPack,
  fitFormToPack,
  isPackName,
  packSourceFor,
  packUseOffer,
  readRememberedPack,
  REMEMBERED_PACK_KEY,
  rememberPack,
  startFallbackNotice,
  urlPackNotice,
  type UseOfferInput,
} from '../../src/state/packChoice';

const TINY: PackInfo = {
  name: 'tessera-tiny',
  version: '1.0.0',
  dtype: 'int8',
  description: '',
  fps: 8,
  sizes: { '1:1': { width: 32, height: 32 }, '16:9': { width: 48, height: 27 } },
  frameCounts: [1, 9, 17],
  defaultSteps: 20,
  defaultGuidance: 4,
  temporalCompression: 4,
  promptExpansion: true,
  sourceModes: true,
};
const OTHER: PackInfo = { ...TINY, name: 'other', sizes: { '9:16': { width: 18, height: 32 }, '1:1': { width: 64, height: 64 } }, frameCounts: [1, 5, 13, 25], defaultSteps: 12, defaultGuidance: 2.5 };
const FORM_DEFAULTS = { steps: 20, guidance: 4 };

function memoryStorage(): Storage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
    clear: () => values.clear(),
    key: () => null,
    get length() {
      return values.size;
    },
  };
}

describe('the pack to start with', () => {
  it('is the built-in pack when nothing is remembered, without a notice', () => {
    expect(chooseStartPack(null, null)).toEqual({ choice: null, notice: null });
  });

  it('is the remembered pack when the cache holds it complete', () => {
    expect(chooseStartPack('tessera-tiny-fp32', { status: 'complete' })).toEqual({ choice: 'tessera-tiny-fp32', notice: null });
  });

  it.each([
    [null, /“tessera-tiny-fp32”, is no longer installed; add it again from its URL in Models\. Tessera is using the built-in model instead\.$/],
    [{ status: 'partial' } as const, /“tessera-tiny-fp32”, is only partly downloaded; press Resume on it in Models\./],
    [{ status: 'corrupt' } as const, /“tessera-tiny-fp32”, is damaged; press Verify, then Resume, on it in Models\./],
  ])('falls back to the built-in pack with a notice when the remembered one is %o', (installed, notice) => {
    const start = chooseStartPack('tessera-tiny-fp32', installed);
    expect(start.choice).toBeNull();
    expect(start.notice).toMatch(notice);
  });

  it('says why a remembered pack that looked whole failed to load', () => {
    expect(startFallbackNotice('big', 'Chunk 0 of dit.onnx in model pack "big" is missing from storage; press Resume to fetch it again.')).toBe(
      'The model you chose, “big”, could not be loaded (Chunk 0 of dit.onnx in model pack "big" is missing from storage; press Resume to fetch it again). Tessera is using the built-in model instead.',
    );
  });

  it('says a ?pack= value that is not a pack name was not tried, and what names are', () => {
    expect(urlPackNotice('../../etc', null)).toBe(
      'The address asks for model pack “../../etc” (?pack=), which is not a pack name (lower-case letters, digits and dashes, at most 64). Tessera is using the built-in model instead.',
    );
    expect(isPackName('../../etc')).toBe(false);
    expect(isPackName('tessera-tiny-fp32')).toBe(true);
  });

  it('says why a ?pack= pack failed to load, and repeats at most 64 characters of what the address holds', () => {
    expect(urlPackNotice('nonexistent', 'There is no model pack at http://x/models/nonexistent/.')).toBe(
      'The address asks for model pack “nonexistent” (?pack=), which could not be loaded (There is no model pack at http://x/models/nonexistent/). Tessera is using the built-in model instead.',
    );
    const notice = urlPackNotice('x'.repeat(100_000), null);
    expect(notice).toContain(`“${'x'.repeat(64)}…”`);
    expect(notice.length).toBeLessThan(300);
  });

  it('loads the built-in pack from its URL and any other from the cache by name', () => {
    expect(packSourceFor(null, '/models/tessera-tiny/')).toEqual({ kind: 'url', url: '/models/tessera-tiny/' });
    expect(packSourceFor('big', '/models/tessera-tiny/')).toEqual({ kind: 'installed', name: 'big' });
  });
});

describe('the remembered choice', () => {
  it('keeps an installed pack by name and forgets it when the built-in pack is chosen', () => {
    const storage = memoryStorage();
    expect(readRememberedPack(storage)).toBeNull();
    rememberPack('tessera-tiny-fp32', storage);
    expect(storage.getItem(REMEMBERED_PACK_KEY)).toBe('tessera-tiny-fp32');
    expect(readRememberedPack(storage)).toBe('tessera-tiny-fp32');
    rememberPack(null, storage);
    expect(storage.getItem(REMEMBERED_PACK_KEY)).toBeNull();
    expect(readRememberedPack(storage)).toBeNull();
  });

  it('reads a value that is not a pack name, or storage that throws, as the built-in pack', () => {
    const storage = memoryStorage();
    storage.setItem(REMEMBERED_PACK_KEY, '../../etc');
    expect(readRememberedPack(storage)).toBeNull();
    const refusing = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => undefined };
    expect(readRememberedPack(refusing)).toBeNull();
    expect(() => rememberPack('big', refusing)).not.toThrow();
    expect(readRememberedPack(undefined)).toBeNull();
  });
});

describe('the form after a switch', () => {
  it('keeps choices the new pack offers and the values the user typed', () => {
    expect(fitFormToPack({ aspect: '1:1', frames: 1, steps: 7, guidance: 6 }, TINY, OTHER, FORM_DEFAULTS)).toEqual({ aspect: '1:1', frames: 1, steps: 7, guidance: 6 });
  });

  it('replaces a size and a duration the new pack lacks with its own, and untouched defaults with its defaults', () => {
    expect(fitFormToPack({ aspect: '16:9', frames: 9, steps: 20, guidance: 4 }, TINY, OTHER, FORM_DEFAULTS)).toEqual({ aspect: '9:16', frames: 13, steps: 12, guidance: 2.5 });
  });

  it('takes the next pack defaults when the form holds the previous pack ones', () => {
    expect(fitFormToPack({ aspect: '1:1', frames: 1, steps: 12, guidance: 2.5 }, OTHER, TINY, FORM_DEFAULTS)).toMatchObject({ steps: 20, guidance: 4 });
  });

  it('at start, treats the form defaults as untouched', () => {
    expect(fitFormToPack({ aspect: '1:1', frames: 17, steps: 20, guidance: 4 }, null, OTHER, FORM_DEFAULTS)).toEqual({ aspect: '1:1', frames: 13, steps: 12, guidance: 2.5 });
  });

  it('falls back to the pack first duration when it offers fewer than three', () => {
    expect(fitFormToPack({ aspect: '1:1', frames: 17, steps: 20, guidance: 4 }, null, { ...TINY, frameCounts: [1] }, FORM_DEFAULTS).frames).toBe(1);
  });
});

describe('"Use this model" on a pack row', () => {
  const idle: UseOfferInput = { status: 'complete', inUse: false, loading: false, busy: undefined, engineStatus: 'ready', generating: false };

  it('is offered on a complete pack that is not in use while the engine is idle', () => {
    expect(packUseOffer(idle)).toEqual({ kind: 'button', disabledReason: null });
    expect(packUseOffer({ ...idle, engineStatus: 'failed' })).toEqual({ kind: 'button', disabledReason: null });
  });

  it('marks the pack in use and the one loading instead of offering a button', () => {
    expect(packUseOffer({ ...idle, inUse: true })).toEqual({ kind: 'in-use' });
    expect(packUseOffer({ ...idle, loading: true, engineStatus: 'switching' })).toEqual({ kind: 'loading' });
  });

  it.each([
    ['a partial (paused) pack', { status: 'partial' }, 'Finish the download (Resume) to use this model.'],
    ['a damaged pack', { status: 'corrupt' }, 'This pack is damaged: press Verify, then Resume, to use it.'],
    ['a pack downloading', { status: 'partial', busy: 'installing' }, 'Wait for the download to finish to use this model.'],
    ['a pack opened from a folder, partly copied', { status: 'partial', fromFolder: true }, 'Open its folder again to finish copying it, then use it.'],
    ['a pack opened from a folder, damaged', { status: 'corrupt', fromFolder: true }, 'Open its folder again to finish copying it, then use it.'],
    ['a pack being copied from a folder', { status: 'partial', busy: 'installing', fromFolder: true }, 'Wait for the copy to finish to use this model.'],
    ['a pack being verified', { busy: 'verifying' }, 'Wait until the check finishes.'],
    ['a running generation', { generating: true }, 'Wait for the generation to finish (or cancel it) to switch models.'],
    ['another pack loading', { engineStatus: 'switching' }, 'Wait until the model being loaded is ready.'],
    ['the engine starting', { engineStatus: 'starting' }, 'Wait until the model being loaded is ready.'],
  ] as const)('is disabled with its reason for %s', (_what, patch, reason) => {
    expect(packUseOffer({ ...idle, ...patch })).toEqual({ kind: 'button', disabledReason: reason });
  });
});
