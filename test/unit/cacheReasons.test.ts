/**
 * The reasons the cache gives when an address does not lead to a pack: a page or a folder without a
 * manifest is said to be no pack (not "a file its manifest lists is missing"), and a refused
 * connection names the control the UI really offers where the message shows.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryBackend } from '../../src/cache/backend';
import { fetchManifest } from '../../src/cache/manifestFetch';
import { ModelStore } from '../../src/cache/modelStore';
import { ModelsController } from '../../src/cache/modelsController';
import { validManifestJson } from '../fixtures/manifestFixture';

/** A site that answers every unknown address with its app page, as single-page apps do. */
const spaFallback = async () => new Response('<!doctype html><div id="root"></div>', { headers: { 'content-type': 'text/html; charset=utf-8' } });
const notFound = async () => new Response('not found', { status: 404 });
/** What fetch does when nothing listens on the port (or CORS refuses: the page cannot tell). */
const refused = async (): Promise<Response> => {
  throw new TypeError('Failed to fetch');
};

afterEach(() => vi.unstubAllGlobals());

describe('an address that leads to no pack', () => {
  it('says a folder with no manifest.json is no pack, naming the folder, not that the pack misses a file', async () => {
    const error = await fetchManifest('https://site.example/packs/none/', { fetch: notFound }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DownloadError', code: 'http-status' });
    expect((error as Error).message).toBe(
      "There is no model pack at https://site.example/packs/none/: asked for its manifest.json (https://site.example/packs/none/manifest.json), the server answered HTTP 404. Enter the address of a model pack's manifest.json, or of the folder that holds it.",
    );
  });

  it('says a web page address is no pack when the server answers its page for the manifest too', async () => {
    const error = await fetchManifest('https://site.example/about/index.html', { fetch: spaFallback }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'html-instead-of-file' });
    expect((error as Error).message).toMatch(/^There is no model pack at https:\/\/site\.example\/about\/index\.html: asked for its manifest\.json \(https:\/\/site\.example\/about\/index\.html\/manifest\.json\), the server answered a web page/);
    expect((error as Error).message).not.toMatch(/missing a file/);
  });

  it('names the manifest URL itself when that is what was typed', async () => {
    const error = await fetchManifest('https://site.example/p/manifest.json', { fetch: notFound }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^There is no model pack manifest at https:\/\/site\.example\/p\/manifest\.json: the server answered HTTP 404\./);
  });

  it('still says a pack misses a file when a file its manifest lists is not found', async () => {
    const manifest = validManifestJson();
    const fetch = async (input: RequestInfo | URL) => (String(input).endsWith('manifest.json') ? Response.json(manifest) : notFound());
    const store = new ModelStore(memoryBackend(), { fetch });
    const error = await store.install('https://site.example/tiny/', { checkQuota: false, retries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'http-status' });
    expect((error as Error).message).toMatch(/\(HTTP 404\)\. The pack on the server is missing a file its manifest lists\.$/);
  });
});

describe('a refused connection', () => {
  it('tells the Add form to press Add again (it has no Resume button), same origin and cross-origin', async () => {
    for (const page of [undefined, 'https://app.example/']) {
      if (page) vi.stubGlobal('location', { href: page });
      const controller = new ModelsController(new ModelStore(memoryBackend(), { fetch: refused }));
      await controller.add('http://127.0.0.1:9/pack/');
      const shown = controller.getSnapshot().addError;
      expect(shown?.code).toBe('fetch-failed');
      expect(shown?.message).toMatch(/press Add again\.$/);
      expect(shown?.message).not.toMatch(/Resume/);
    }
  });

  it('tells a pack download cut mid-way to press Resume, which its row in Models offers', async () => {
    const manifest = validManifestJson();
    const fetch = async (input: RequestInfo | URL) => (String(input).endsWith('manifest.json') ? Response.json(manifest) : refused());
    const store = new ModelStore(memoryBackend(), { fetch });
    const error = await store.install('https://site.example/tiny/', { checkQuota: false, retries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'fetch-failed' });
    expect((error as Error).message).toMatch(/press Resume; finished chunks are kept\.$/);
  });
});
