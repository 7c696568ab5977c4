import { describe, expect, it } from 'vitest';
import { startOptionsFromUrl } from '../../src/state/actions';

describe('startOptionsFromUrl', () => {
  it('defaults to auto backend and the built-in pack, tessera-tiny-2', () => {
    expect(startOptionsFromUrl('https://tessera.example/')).toEqual({ backend: 'auto', packUrl: '/models/tessera-tiny-2/', packInUrl: false, requestedPack: null, testHooks: false });
  });

  it('still loads the 32-pixel tessera-tiny when the address names it', () => {
    expect(startOptionsFromUrl('https://t.example/?pack=tessera-tiny')).toMatchObject({ packUrl: '/models/tessera-tiny/', packInUrl: true, requestedPack: 'tessera-tiny' });
  });

  it('reads the backend, the pack and the test hooks flag', () => {
    expect(startOptionsFromUrl('https://t.example/?backend=wasm&pack=tessera-tiny-fp32&testHooks=1')).toEqual({
      backend: 'wasm',
      packUrl: '/models/tessera-tiny-fp32/',
      packInUrl: true,
      requestedPack: 'tessera-tiny-fp32',
      testHooks: true,
    });
  });

  it('ignores values it does not know, and pack names that could leave the models folder', () => {
    expect(startOptionsFromUrl('https://t.example/?backend=webgl&pack=../../etc').backend).toBe('auto');
    expect(startOptionsFromUrl('https://t.example/?pack=..%2F..%2Fetc').packUrl).toBe('/models/tessera-tiny-2/');
  });

  it('keeps a pack name it will not load, so the start can say why it uses the built-in pack', () => {
    const start = startOptionsFromUrl('https://t.example/?pack=..%2F..%2Fetc');
    expect(start).toMatchObject({ packInUrl: true, requestedPack: '../../etc' });
  });
});
