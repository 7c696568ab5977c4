/**
 * The Content-Security-Policy and the other security headers Tessera is served with. Sent by the dev
 * and preview servers (vite.config.ts), written into `dist/_headers` for static hosts, added by the
 * service worker to what it serves (src/pwa/sw.ts), and listed in the README's hosting section.
 *
 * Scripts are strict (only the app's own files, plus WebAssembly compilation), while `connect-src`
 * is broad on purpose: model packs can be added by URL from any https origin.
 */

/** A policy as directive name → sources, in the order they are written. */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/** The production policy; each directive says why it allows what it allows. */
export const CSP_DIRECTIVES: CspDirectives = {
  // Anything not named below (fonts, the web manifest, …) comes from the app's origin only.
  'default-src': ["'self'"],
  // The app's own bundles only: no inline script, no eval. 'wasm-unsafe-eval' lets onnxruntime-web
  // compile its .wasm (it allows WebAssembly compilation, not JavaScript eval).
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  // The engine and check workers, onnxruntime's WASM threads (`new Worker(import.meta.url)`, the
  // worker's own chunk) and the service worker are all files of the app's origin; no blob: workers.
  'worker-src': ["'self'"],
  // Model packs by URL: any https origin, and http on this machine (a pack served from localhost,
  // which browsers treat as secure). blob: because the page reads its own result and upload object
  // URLs back with fetch (gallery saves, sharing, video modes).
  'connect-src': ["'self'", 'blob:', 'https:', 'http://localhost:*', 'http://127.0.0.1:*'],
  // Results, gallery thumbnails and uploaded images are object URLs; the icons are the app's files.
  'img-src': ["'self'", 'blob:'],
  'media-src': ["'self'", 'blob:'],
  // The production build's CSS is one file; React sets style properties through the CSSOM, which
  // CSP does not govern, so no inline styles are needed.
  'style-src': ["'self'"],
  // No plugins, no <base> tag, forms only submit to the app itself.
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  // Nobody may frame the app (clickjacking); only a header can say this, not a <meta> tag.
  'frame-ancestors': ["'none'"],
};

/** Writes directives as a header value: `name source source; name source`. */
export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/**
 * The policy plus a nonce on scripts and styles, for the dev server only: there Vite and
 * @vitejs/plugin-react inject an inline module script (the React Refresh preamble) and `<style>`
 * elements, and Vite marks each with `html.cspNonce`. The production build has neither.
 */
export function withNonce(directives: CspDirectives, nonce: string): CspDirectives {
  const source = `'nonce-${nonce}'`;
  return { ...directives, 'script-src': [...(directives['script-src'] ?? []), source], 'style-src': [...(directives['style-src'] ?? []), source] };
}

/** Security headers for every response; the CSP value is given so the dev server can pass its own. */
export function securityHeaders(csp: string = serializeCsp(CSP_DIRECTIVES)): Readonly<Record<string, string>> {
  return {
    'Content-Security-Policy': csp,
    // Scripts and styles served with a wrong MIME type are refused instead of sniffed.
    'X-Content-Type-Options': 'nosniff',
    // The page's URL can carry the prompt (settings links, `?prompt=…`): send it to no one, not
    // even as a Referer to the app's own server or a pack's host.
    'Referrer-Policy': 'no-referrer',
  };
}
