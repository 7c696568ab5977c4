/**
 * Takes docs/screenshot.png: the production build (dist/) with a finished clip on screen.
 * Run with `npm run screenshot` (builds first); BACKEND=wasm skips WebGPU, which is slow on a software adapter.
 */
import { fileURLToPath } from 'node:url';
import { fillForm, generateAndWait, openApp } from '../test/e2e/app';
import { launchChromium } from '../test/e2e/browser';
import { startPreview } from '../test/e2e/server';

const OUT = process.env.SCREENSHOT_OUT ?? fileURLToPath(new URL('../docs/screenshot.png', import.meta.url));

const server = await startPreview();
const browser = await launchChromium();
try {
  const { page } = await openApp(browser, server.url, { backend: process.env.BACKEND === 'wasm' ? 'wasm' : 'auto' });
  await page.emulateMedia({ colorScheme: 'light' });
  await fillForm(page, { prompt: 'a red circle moving right and a blue square moving left on a yellow background', aspect: '16:9', frames: 17, seed: 7 });
  await generateAndWait(page, 300_000);
  // Show a frame from the middle of the clip. A string, because tsx's name helpers do not exist in the page.
  await page.evaluate(`new Promise((resolve) => {
    const video = document.querySelector('video');
    video.controls = false;
    setTimeout(resolve, 8000);
    const shown = () => video.requestVideoFrameCallback(() => setTimeout(resolve, 300));
    const seek = () => { video.pause(); video.addEventListener('seeked', shown, { once: true }); video.currentTime = video.duration / 2; };
    if (video.readyState >= 2) seek(); else video.addEventListener('loadeddata', seek, { once: true });
  })`);
  await page.screenshot({ path: OUT, fullPage: true });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await server.close();
}
