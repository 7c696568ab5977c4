/**
 * Every header Tessera's responses carry, in one place: cross-origin isolation (threads) and the
 * security headers (CSP, nosniff, referrer policy). The dev server, the preview server, the service
 * worker and `dist/_headers` all take them from here, so they cannot drift apart.
 */
import { CROSS_ORIGIN_ISOLATION } from './isolationHeaders.js';
import { CSP_DIRECTIVES, securityHeaders, serializeCsp, withNonce } from './securityHeaders.js';

/** Headers for every response of the production build (preview server, service worker, hosting). */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = { ...CROSS_ORIGIN_ISOLATION, ...securityHeaders() };

/** The dev server's headers: the same, with `nonce` allowed for Vite's injected script and styles. */
export function devServerHeaders(nonce: string): Readonly<Record<string, string>> {
  return { ...CROSS_ORIGIN_ISOLATION, ...securityHeaders(serializeCsp(withNonce(CSP_DIRECTIVES, nonce))) };
}

/**
 * `headers` for every path in the `_headers` format that Netlify and Cloudflare Pages read from the
 * site's root (one `/*` rule, then one indented `Name: value` line per header).
 */
export function headersFile(headers: Readonly<Record<string, string>>): string {
  return ['/*', ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`), ''].join('\n');
}
