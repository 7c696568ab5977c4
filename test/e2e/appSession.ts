/**
 * The app's production build on a preview server and a Chromium to open it in, shared by the tests
 * of one file: started before its first test, closed after its last.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser';
import { startPreview } from './server';

export interface AppSession {
  readonly browser: Browser;
  /** The preview server's address. */
  readonly url: string;
}

/** Registers the file's beforeAll/afterAll; read the session's fields inside tests only. */
export function useAppSession(): AppSession {
  let server: Awaited<ReturnType<typeof startPreview>> | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startPreview();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The app session is read before its beforeAll ran.');
    return value;
  };
  return {
    get browser() {
      return started(browser);
    },
    get url() {
      return started(server).url;
    },
  };
}
