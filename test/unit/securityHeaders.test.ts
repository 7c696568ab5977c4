import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { devServerHeaders, headersFile, RESPONSE_HEADERS } from '../../src/pwa/responseHeaders';
import { CSP_DIRECTIVES, serializeCsp, withNonce } from '../../src/pwa/securityHeaders';

/** A policy header value → directive name → sources. */
function parseCsp(value: string): Record<string, string[]> {
  return Object.fromEntries(value.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));
}

describe('security headers', () => {
  it('writes directives in order as "name source source; name source"', () => {
    expect(serializeCsp({ 'default-src': ["'self'"], 'img-src': ["'self'", 'blob:'], 'object-src': ["'none'"] })).toBe("default-src 'self'; img-src 'self' blob:; object-src 'none'");
  });

  it('sends a production policy whose scripts are the app\'s own files and WebAssembly only', () => {
    const policy = parseCsp(RESPONSE_HEADERS['Content-Security-Policy']!);
    expect(policy['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy['worker-src']).toEqual(["'self'"]);
    expect(policy['style-src']).toEqual(["'self'"]);
    expect(policy['object-src']).toEqual(["'none'"]);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    expect(policy['default-src']).toEqual(["'self'"]);
  });

  it('lets packs be fetched from any https origin and localhost, but not from any plain-http host', () => {
    const connect = parseCsp(RESPONSE_HEADERS['Content-Security-Policy']!)['connect-src'];
    expect(connect).toEqual(expect.arrayContaining(["'self'", 'https:', 'http://localhost:*', 'http://127.0.0.1:*', 'blob:']));
    expect(connect).not.toContain('http:');
    expect(connect).not.toContain('*');
  });

  it('sends nosniff, no referrer and cross-origin isolation with the policy', () => {
    expect(RESPONSE_HEADERS).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
  });

  it('allows the dev server\'s nonce on scripts and styles only, leaving the production policy unchanged', () => {
    const before = serializeCsp(CSP_DIRECTIVES);
    const dev = parseCsp(devServerHeaders('abc+/=')['Content-Security-Policy']!);
    expect(dev['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'", "'nonce-abc+/='"]);
    expect(dev['style-src']).toEqual(["'self'", "'nonce-abc+/='"]);
    expect({ ...dev, 'script-src': undefined, 'style-src': undefined }).toEqual({ ...parseCsp(before), 'script-src': undefined, 'style-src': undefined });
    expect(serializeCsp(CSP_DIRECTIVES)).toBe(before);
    expect(serializeCsp(withNonce({ 'default-src': ["'self'"] }, 'n'))).toBe("default-src 'self'; script-src 'nonce-n'; style-src 'nonce-n'");
  });

  it('writes a _headers file that applies every header to every path', () => {
    expect(headersFile({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' })).toBe('/*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n');
  });

  it('is listed in the README\'s hosting section exactly as sent', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const hosting = readme.slice(readme.indexOf('## Hosting'), readme.indexOf('\n## ', readme.indexOf('## Hosting') + 1));
    for (const [name, value] of Object.entries(RESPONSE_HEADERS)) expect(hosting).toContain(`\n${name}: ${value}\n`);
  });
});
