/**
 * Arrows point one way (docs/architecture.md, "Layers"): the layers under the engine never import
 * the engine or the page, and the pure pipeline imports neither onnxruntime nor browser- or
 * Node-only modules, so Node and the browser share it. Read from the source files themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');

interface Import {
  /** The importing file, relative to the repository root. */
  readonly file: string;
  readonly specifier: string;
  /** For a relative import, the `src/` folder it lands in (`engine`, `runtime`, ...); else null. */
  readonly layer: string | null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Static imports, re-exports, side-effect imports and dynamic `import()` of string literals. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function importsOf(path: string, text: string): Import[] {
  const file = relative(ROOT, path);
  return [...text.matchAll(SPECIFIER)].map(([, specifier]) => {
    const target = specifier!.startsWith('.') ? relative(SRC, resolve(dirname(path), specifier!)) : null;
    const layer = target !== null && !target.startsWith('..') ? target.split(/[\\/]/)[0]! : null;
    return { file, specifier: specifier!, layer };
  });
}

/** Every import of the files under `src/<layer>/`. */
function importsOfLayer(layer: string): Import[] {
  return sourceFiles(join(SRC, layer)).flatMap((path) => importsOf(path, readFileSync(path, 'utf8')));
}

/** "file → specifier" for each import breaking the rule, so a failure names every one. */
function offending(imports: Import[], breaks: (i: Import) => boolean): string[] {
  return imports.filter(breaks).map((i) => `${i.file} → ${i.specifier}`);
}

/** Under the engine: what the worker engine and the CLI are built from (src/errors and src/lib: below). */
const BELOW_ENGINE = ['render', 'runtime', 'cache', 'architectures', 'pipeline', 'schedulers', 'models', 'safety', 'media', 'input'];
const PAGE_AND_ENGINE = ['engine', 'state', 'ui', 'app'];
/** Modules that need onnxruntime, a browser (DOM, IndexedDB, WebCodecs, workers), React or Node. */
const PLATFORM_PACKAGE = /^(onnxruntime-|node:|idb-keyval$|mediabunny$|comlink$|react|zustand)/;
/** Tessera's layers that wrap such modules. */
const PLATFORM_LAYERS = ['runtime', 'cache', 'media', 'input', 'engine', 'state', 'ui', 'app', 'gallery', 'pwa', 'share', 'check'];

describe('import direction', () => {
  it('parses static, type-only, re-exported and dynamic imports into their src layer', () => {
    const path = join(SRC, 'runtime', 'x.ts');
    const text = `import { a } from '../engine/errors';\nimport type { B } from "./b";\nexport { c } from '../cache';\nconst d = await import('onnxruntime-web');\nimport '../lib/e';`;
    expect(importsOf(path, text).map((i) => [i.specifier, i.layer])).toEqual([
      ['../engine/errors', 'engine'],
      ['./b', 'runtime'],
      ['../cache', 'cache'],
      ['onnxruntime-web', null],
      ['../lib/e', 'lib'],
    ]);
  });

  it.each(BELOW_ENGINE)('src/%s imports neither the engine nor the page', (layer) => {
    const imports = importsOfLayer(layer);
    expect(imports.length).toBeGreaterThan(0);
    expect(offending(imports, (i) => i.layer !== null && PAGE_AND_ENGINE.includes(i.layer))).toEqual([]);
  });

  it.each(['engine'])('src/%s imports nothing of the page', (layer) => {
    expect(offending(importsOfLayer(layer), (i) => i.layer !== null && ['state', 'ui', 'app'].includes(i.layer))).toEqual([]);
  });

  it.each(['architectures', 'pipeline', 'schedulers', 'models'])('src/%s imports neither onnxruntime nor browser-, React- or Node-only modules', (layer) => {
    const imports = importsOfLayer(layer);
    expect(offending(imports, (i) => PLATFORM_PACKAGE.test(i.specifier) || (i.layer !== null && PLATFORM_LAYERS.includes(i.layer)))).toEqual([]);
  });

  it('src/pipeline names no architecture: it reaches a model family only through the Architecture port', () => {
    expect(offending(importsOfLayer('pipeline'), (i) => i.layer === 'architectures')).toEqual([]);
  });

  // The render chain runs in the worker and in Node: it reaches platforms only through what each side plugs in.
  it.each(['render'])('src/%s imports no onnxruntime, browser-, React- or Node-only package and no layer that needs one', (layer) => {
    const platformOnly = ['runtime', 'cache', 'input', 'engine', 'state', 'ui', 'app', 'gallery', 'pwa', 'share', 'check'];
    // Of src/media (mediabunny, OffscreenCanvas), only the pure upscaling.
    const platformMedia = (i: Import) => i.layer === 'media' && !i.specifier.endsWith('/media/upscale');
    expect(offending(importsOfLayer(layer), (i) => PLATFORM_PACKAGE.test(i.specifier) || (i.layer !== null && platformOnly.includes(i.layer)) || platformMedia(i))).toEqual([]);
  });

  it.each(['errors', 'lib'])('src/%s imports nothing of Tessera outside itself', (layer) => {
    expect(offending(importsOfLayer(layer), (i) => i.specifier.startsWith('.') && i.layer !== layer)).toEqual([]);
  });
});
