import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseDevice } from '../../src/runtime/device';

const NEEDS = { shaderF16: false, largestBufferBytes: 2_000_000 };

function fakeAdapter(options: { features?: string[]; maxBufferSize?: number } = {}) {
  return {
    features: new Set(options.features ?? []),
    limits: { maxBufferSize: options.maxBufferSize ?? 2 ** 30, maxStorageBufferBindingSize: options.maxBufferSize ?? 2 ** 30 },
    info: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true },
  };
}

function withGpu(requestAdapter: () => Promise<unknown>) {
  vi.stubGlobal('navigator', { gpu: { requestAdapter }, hardwareConcurrency: 8 });
}

describe('chooseDevice', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('picks WebGPU when an adapter fits, naming it and the missing shader-f16', async () => {
    withGpu(async () => fakeAdapter());
    const { info, adapter } = await chooseDevice('auto', NEEDS);
    expect(adapter).not.toBeNull();
    expect(info).toMatchObject({ backend: 'webgpu', adapter: 'google swiftshader', isFallbackAdapter: true, shaderF16: false, fallback: null });
    expect(info.reason).toMatch(/no shader-f16, so fp32\/int8 weights/);
  });

  it('falls back to WASM with a reason for each missing piece', async () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 8 });
    expect((await chooseDevice('auto', NEEDS)).info.fallback?.code).toBe('no-webgpu-api');
    withGpu(async () => null);
    expect((await chooseDevice('auto', NEEDS)).info.fallback?.code).toBe('no-adapter');
    withGpu(async () => fakeAdapter());
    expect((await chooseDevice('auto', { ...NEEDS, shaderF16: true })).info.fallback?.code).toBe('needs-shader-f16');
    withGpu(async () => fakeAdapter({ maxBufferSize: 1_000_000 }));
    const small = await chooseDevice('auto', NEEDS);
    expect(small.info.fallback?.code).toBe('limits-too-small');
    expect(small.info.backend).toBe('wasm');
    expect((await chooseDevice('wasm', NEEDS)).info.fallback?.code).toBe('user-choice');
  });

  it('uses one WASM thread without cross-origin isolation', async () => {
    vi.stubGlobal('crossOriginIsolated', false);
    vi.stubGlobal('navigator', { hardwareConcurrency: 8 });
    expect((await chooseDevice('wasm', NEEDS)).info.threads).toBe(1);
    vi.stubGlobal('crossOriginIsolated', true);
    expect((await chooseDevice('wasm', NEEDS)).info.threads).toBe(4);
  });
});
