/** WebGPU missing or lost: the app runs on WASM, says why, and the request is not lost. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateWithin, fillForm, generateAndWait, openApp, resultLink } from './app';
import { launchChromium } from './browser';
import { startPreview } from './server';

const IMAGE = { prompt: 'a green triangle staying still on a white background', aspect: '1:1', frames: 1, steps: 2 } as const;

describe('backend fallback', () => {
  let server: Awaited<ReturnType<typeof startPreview>>;
  beforeAll(async () => {
    server = await startPreview();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('without WebGPU runs on WASM with a visible notice, and generates', async () => {
    const browser: Browser = await launchChromium([], { webgpu: false });
    try {
      const { page, errors } = await openApp(browser, server.url);
      expect(await page.getByTestId('backend-badge').getAttribute('data-backend')).toBe('wasm');
      const notice = page.getByTestId('fallback-notice');
      expect(await notice.isVisible()).toBe(true);
      expect(['no-webgpu-api', 'no-adapter']).toContain(await notice.getAttribute('data-code'));
      expect(await notice.textContent()).toMatch(/WebGPU.*WebAssembly/);
      await fillForm(page, IMAGE);
      await generateAndWait(page);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('when the GPU device is lost, switches to WASM, says so, and still delivers the request', async () => {
    const browser: Browser = await launchChromium();
    try {
      const { page, errors } = await openApp(browser, server.url, { backend: 'webgpu' });
      expect(await page.getByTestId('backend-badge').getAttribute('data-backend')).toBe('webgpu');
      expect(await evaluateWithin(page, () => (globalThis as unknown as { __tessera: { loseDevice(): Promise<boolean> } }).__tessera.loseDevice())).toBe(true);
      await fillForm(page, IMAGE);
      await generateAndWait(page);
      expect(await page.getByTestId('backend-badge').getAttribute('data-backend')).toBe('wasm');
      expect(await page.getByTestId('fallback-notice').getAttribute('data-code')).toBe('device-lost');
      expect(await resultLink(page, /^Download PNG$/).count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
