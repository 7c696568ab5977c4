/**
 * Takes docs/storyboard.png: the storyboard's timeline (text, keyframe image, text) in the production
 * build, rendered, with the result beside it. Run with `npm run screenshot:storyboard` (builds first);
 * E2E_DIST_DIR serves another build folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from '../cli/png';
import { openApp, waitForNewResult } from '../test/e2e/app';
import { launchChromium } from '../test/e2e/browser';
import { startPreview } from '../test/e2e/server';
import { worldClip } from '../test/fixtures/worldClip';

const OUT = process.env.SCREENSHOT_OUT ?? fileURLToPath(new URL('../docs/storyboard.png', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'tessera-storyboard-shot-'));
const image = join(dir, 'keyframe.png');
const key = worldClip({ colour: 'red', shape: 'circle', background: 'blue', direction: [1, 0], start: [0.7, 0.5] }, 224, 128, 1);
writeFileSync(image, encodePng(224, 128, key.frames[0]!));

const server = await startPreview();
const browser = await launchChromium();
try {
  const { page } = await openApp(browser, server.url, { backend: 'wasm' });
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('button', { name: 'Storyboard', exact: true }).click();
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('42');
  await page.getByRole('button', { name: '+ Text' }).click();
  await page.getByRole('listitem', { name: 'Card 1, text' }).getByLabel('Prompt').fill('a red circle moving right on a blue background');
  await page.getByRole('button', { name: '+ Keyframe image' }).click();
  await page.getByRole('listitem', { name: 'Card 2, image' }).getByLabel('Image', { exact: true }).setInputFiles(image);
  await page.getByRole('button', { name: '+ Text' }).click();
  const third = page.getByRole('listitem', { name: 'Card 3, text' });
  await third.getByLabel('Prompt').fill('a red circle moving up on a blue background');
  await third.getByLabel('Duration (seconds)').fill('3');
  await page.getByRole('button', { name: 'Render storyboard' }).click();
  await waitForNewResult(page, null, 300_000);
  // Show a frame from the middle of the story. A string, because tsx's name helpers do not exist in the page.
  await page.evaluate(`new Promise((resolve) => {
    const video = document.querySelector('video');
    video.controls = false;
    setTimeout(resolve, 8000);
    const shown = () => video.requestVideoFrameCallback(() => setTimeout(resolve, 300));
    const seek = () => { video.pause(); video.addEventListener('seeked', shown, { once: true }); video.currentTime = video.duration / 2; };
    if (video.readyState >= 2) seek(); else video.addEventListener('loadeddata', seek, { once: true });
  })`);
  await page.locator('main').screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await server.close();
}
