/**
 * The controls around a generation, on WASM (fast here): cancel and go again, settings the pack
 * does not offer, a prompt the model cannot read, a refused prompt, and a single frame saved as PNG.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPngText } from '../../src/media/png';
import { provenanceFromPngText } from '../../src/safety/provenance';
import { appAlert, download, evaluateWithin, fillForm, generateAndWait, openApp } from './app';
import { useAppSession } from './appSession';

const PROMPT = 'a yellow square moving right on a purple background';

describe('generation controls', () => {
  const app = useAppSession();
  let page: Page;
  let errors: string[];
  const dir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));

  beforeAll(async () => {
    ({ page, errors } = await openApp(app.browser, app.url, { backend: 'wasm' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('cancel stops mid-generation, the form is usable at once, and the next generation runs', async () => {
    // The pack's most steps (1000): a warmed-up DiT step takes tens of ms here, so the cancel lands with
    // 900+ steps (tens of seconds) still to go whatever the machine's load, and a cancel that did not stop
    // the worker would delay the next run by as much. (60 steps finished in ~1 s once the engine warmed up,
    // before the test could read the progress.)
    await fillForm(page, { prompt: PROMPT, aspect: '1:1', frames: 9, steps: 1000 });
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const running = page.getByTestId('progress-text').filter({ hasText: /^Step ([2-9]|[1-9]\d) of 1000 · about .+ left$/ });
    await running.waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const cancelledAt = Date.now();

    await expect.poll(() => page.getByRole('button', { name: 'Generate', exact: true }).isEnabled(), { timeout: 1_000 }).toBe(true);
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('region', { name: 'Progress' }).count()).toBe(0);
    expect(await appAlert(page).count()).toBe(0);

    await fillForm(page, { prompt: PROMPT, steps: 2 });
    const clickedAt = Date.now();
    await generateAndWait(page);
    // The engine starts timing a request once the cancelled one has stopped: the gap is the wait for that stop.
    const timings = await evaluateWithin(page, () => (globalThis as unknown as { __tessera: { lastTimings(): { totalMs: number } | null } }).__tessera.lastTimings());
    const waitedMs = Date.now() - clickedAt - (timings?.totalMs ?? 0);
    console.info(`cancel → next run started after ${(waitedMs / 1000).toFixed(2)} s; next 2-step clip done ${((Date.now() - cancelledAt) / 1000).toFixed(1)} s after Cancel`);
    // Finishing the 60 steps instead would take tens of seconds more.
    expect(waitedMs).toBeLessThan(5_000);
    expect(await page.getByText('2 steps', { exact: false }).count()).toBeGreaterThan(0);
  });

  it('explains settings the model pack does not offer', async () => {
    await fillForm(page, { prompt: PROMPT, steps: 0 });
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const alert = appAlert(page);
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.getAttribute('data-code')).toBe('bad-settings');
    expect(await alert.textContent()).toMatch(/Check the settings.*[Ss]teps 0 is not an integer from 1 to/);
    expect(await page.getByRole('spinbutton', { name: 'Steps' }).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();

    await fillForm(page, { prompt: '   ', steps: 2 });
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toMatch(/[Pp]rompt is empty/);
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();

    // Words the tokenizer cannot read are named under the prompt; a prompt of nothing else is refused.
    await fillForm(page, { prompt: '猫 ★', steps: 2 });
    await page.getByTestId('outside-alphabet').filter({ hasText: /only a–z and 0–9 reach it\): 猫$/ }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.getAttribute('data-code')).toBe('bad-settings');
    expect(await alert.textContent()).toMatch(/The prompt has nothing the model can read: its words \(猫\) use letters outside a-z and 0-9/);
    expect(await page.getByRole('textbox', { name: 'Prompt', exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();
  });

  it('refuses a harmful prompt in the worker, names the category and keeps the text', async () => {
    const text = 'a man stabbing his neighbor with a kitchen knife';
    await fillForm(page, { prompt: text, steps: 2 });
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const alert = appAlert(page);
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.getAttribute('data-code')).toBe('policy-refused');
    expect(await alert.textContent()).toMatch(/violent/);
    expect(await page.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue()).toBe(text);
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();
  });

  it('saves a single frame as a PNG carrying its settings', async () => {
    await fillForm(page, { prompt: PROMPT, aspect: '16:9', frames: 1, steps: 2, seed: 77 });
    await generateAndWait(page);
    const file = join(dir, 'image.png');
    await download(page, /^Download PNG$/, file);
    const png = new Uint8Array(readFileSync(file));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const view = new DataView(png.buffer, png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([56 * 4, 32 * 4]);
    const text = readPngText(png);
    expect(text.Software).toBe('Tessera');
    expect(provenanceFromPngText(text)).toMatchObject({ generator: 'Tessera', seed: 77, prompt: PROMPT, settings: { steps: 2, aspect: '16:9', frames: 1 } });
    expect(errors).toEqual([]);
  });
});
