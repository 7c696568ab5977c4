/** src/storyboard is shared by the worker and the CLI: it imports no platform and no layer above the pipeline. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(__dirname, '../../src/storyboard');
/** Imports and re-exports with `from` (possibly spanning lines), side-effect imports, and dynamic import() of a literal. */
const SPECIFIER = /^(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/gm;

describe('src/storyboard', () => {
  it('imports only its own modules, the pipeline’s and the models’ (no DOM, worker, Node, engine or page module)', () => {
    const imports = readdirSync(DIR)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) => [...readFileSync(join(DIR, name), 'utf8').matchAll(SPECIFIER)].map(([, from, bare, dynamic]) => `${name} → ${from ?? bare ?? dynamic}`));
    expect(imports.length).toBeGreaterThan(10);
    expect(imports.filter((line) => !/ → (\.\/[\w]+|\.\.\/(pipeline|models)\/[\w]+)$/.test(line))).toEqual([]);
  });

  it('uses no browser or Node global', () => {
    const globals = /\b(window|document|self|navigator|postMessage|process|Buffer|require|indexedDB|fetch)\b[.(]/;
    for (const name of readdirSync(DIR).filter((n) => n.endsWith('.ts'))) {
      const code = readFileSync(join(DIR, name), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(globals.exec(code)?.[0], name).toBeUndefined();
    }
  });
});
