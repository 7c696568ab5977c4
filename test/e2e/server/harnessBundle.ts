/** Bundles the cache harness page (test/e2e/harness/harness.ts) in memory with esbuild. */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../harness/harness.ts', import.meta.url));

export const HARNESS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>cache harness</title></head>
<body><script type="module" src="/harness.js"></script></body></html>
`;

/** The harness as one ES module. */
export async function bundleHarness(): Promise<string> {
  const result = await build({ entryPoints: [ENTRY], bundle: true, format: 'esm', target: 'es2022', write: false, sourcemap: 'inline', logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}
