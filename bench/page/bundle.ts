/** Bundles the benchmark's cache page (bench/page/cacheBench.ts) in memory with esbuild. */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./cacheBench.ts', import.meta.url));

export const CACHE_BENCH_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>cache bench</title></head>
<body><script type="module" src="/__bench/cache.js"></script></body></html>
`;

/** The cache page's script as one ES module. */
export async function bundleCacheBench(): Promise<string> {
  const result = await build({ entryPoints: [ENTRY], bundle: true, format: 'esm', target: 'es2022', write: false, minify: true, logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}
