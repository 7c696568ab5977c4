/**
 * Right reasons and no dead ends, in the real app (production build): a pack the address names
 * (`?pack=`) that cannot be used gives way to the built-in one with a notice; an address that is a
 * web page is said to lead to no pack; a refused connection in the Add form names the button the
 * form has; a chunk damaged in IndexedDB without a change of length is refused on load with a
 * message whose Resume button the Models panel really shows, and Resume repairs it.
 */
import { createServer } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_PACK } from '../../src/state/packChoice';
import { launchChromium } from './browser';
import { startCacheServer, within } from './cacheFixtures';
import { waitForModel } from './pwaApp';
import { startPreview } from './server';
import type { PackServer } from './server/packServer';

let browser: Browser;
let app: Awaited<ReturnType<typeof startPreview>>;
let packs: PackServer;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [browser, app, packs] = await Promise.all([launchChromium(), startPreview(), startCacheServer()]);
  context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([app?.close(), packs?.close()]);
});

const badge = () => page.getByTestId('backend-badge');
/** The notice's text, without its Close button. */
const notice = () => page.getByTestId('notice').locator('p');

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Types `url` in "Add model from URL", presses Add and returns the error shown by the field. */
async function addError(url: string): Promise<string> {
  await page.getByLabel('Add model from URL').fill(url);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const error = page.locator('#model-url-error');
  await expect.poll(async () => ((await error.count()) ? await error.textContent() : ''), { timeout: 30_000 }).not.toBe('');
  return (await error.textContent()) ?? '';
}

/** Flips one byte of a stored chunk in IndexedDB, keeping its length, as a storage fault would. */
async function flipStoredByte(key: string, at: number): Promise<void> {
  await within(
    page.evaluate(
      async ([key, at]) => {
        const done = <T,>(request: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((request.onsuccess = () => resolve(request.result)), (request.onerror = () => reject(request.error))));
        const db = await done(indexedDB.open('tessera-models'));
        const store = () => db.transaction('packs', 'readwrite').objectStore('packs');
        const value = (await done(store().get(key))) as Blob | ArrayBuffer | undefined;
        if (!value) throw new Error(`no chunk ${key} stored`);
        const bytes = new Uint8Array(value instanceof Blob ? await value.arrayBuffer() : value.slice(0));
        bytes[at]! ^= 0x01;
        await done(store().put(new Blob([bytes]), key));
        db.close();
      },
      [key, at] as const,
    ),
    15_000,
    'flipStoredByte',
  );
}

describe('a pack named in the address', () => {
  it('that does not exist gives way to the built-in pack with a notice saying why', async () => {
    await page.goto(`${app.url}?backend=wasm&pack=nonexistent`);
    await waitForModel(page);
    expect(await badge().getAttribute('data-pack')).toBe(BUILT_IN_PACK);
    await expect.poll(async () => ((await notice().count()) ? await notice().textContent() : ''), { timeout: 15_000 }).toMatch(
      /^The address asks for model pack “nonexistent” \(\?pack=\), which could not be loaded \(There is no model pack manifest at http:\/\/127\.0\.0\.1:\d+\/models\/nonexistent\/manifest\.json: the server answered a web page.+\)\. Tessera is using the built-in model instead\.$/s,
    );
    console.info(`?pack=nonexistent: ${await notice().textContent()}`);
  });

  it('that is not a pack name is never tried, and the notice says what a name is', async () => {
    await page.goto(`${app.url}?backend=wasm&pack=..%2F..%2Fetc`);
    await waitForModel(page);
    expect(await badge().getAttribute('data-pack')).toBe(BUILT_IN_PACK);
    await expect.poll(async () => ((await notice().count()) ? await notice().textContent() : ''), { timeout: 15_000 }).toBe(
      'The address asks for model pack “../../etc” (?pack=), which is not a pack name (lower-case letters, digits and dashes, at most 64). Tessera is using the built-in model instead.',
    );
  });
});

describe('Add model from URL', () => {
  it('says a web page address leads to no pack, whether its server answers 404 or its app page', async () => {
    await page.goto(`${app.url}?backend=wasm`);
    await waitForModel(page);
    const notFound = await addError(`${packs.otherOrigin}/packs/chunked/index.html`);
    expect(notFound).toMatch(/^There is no model pack at http:\/\/localhost:\d+\/packs\/chunked\/index\.html: asked for its manifest\.json \(.+\), the server answered HTTP 404\./);
    expect(notFound).not.toMatch(/missing a file/);
    // The app's own server answers every unknown address with the app's page.
    const spa = await addError(`${app.url}about/index.html`);
    expect(spa).toMatch(/^There is no model pack at http:\/\/127\.0\.0\.1:\d+\/about\/index\.html: asked for its manifest\.json \(.+\), the server answered a web page/);
    expect(await page.locator('.models-pack').count()).toBe(1);
  });

  it('tells a refused connection to press Add again, the button the form has, not Resume', async () => {
    const message = await addError(`http://127.0.0.1:${await closedPort()}/packs/chunked/`);
    expect(message).toMatch(/^Could not download the manifest from http:\/\/127\.0\.0\.1:\d+: the server is unreachable.*then press Add again\.$/s);
    expect(message).not.toMatch(/Resume/);
    expect(await page.locator('form.models-add').getByRole('button').allTextContents()).toEqual(['Add']);
  });
});

describe('a chunk damaged in storage', () => {
  it('is refused on load (same length, one byte flipped) with a message to press Resume, which repairs it', async () => {
    await flipStoredByte(`chunk/${BUILT_IN_PACK}/dit.onnx#0`, 4096);
    await page.reload();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 120_000 });
    expect(await alert.textContent()).toContain(
      `Chunk 0 of dit.onnx in model pack "${BUILT_IN_PACK}" is damaged in storage (its bytes no longer match the sha256 they were stored with); press Resume to fetch it again.`,
    );
    const row = page.getByTestId(`pack-${BUILT_IN_PACK}`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('corrupt');
    await row.getByRole('button', { name: new RegExp(`^Resume ${BUILT_IN_PACK} `) }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('complete');
    await page.getByRole('button', { name: 'Try again' }).click();
    await waitForModel(page);
    expect(await badge().getAttribute('data-pack')).toBe(BUILT_IN_PACK);
  });
});
