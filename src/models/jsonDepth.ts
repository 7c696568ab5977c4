/**
 * Refuses JSON nested deeper than any model pack needs, before anything walks it recursively:
 * JSON.stringify, structured clone (IndexedDB keeps the manifest as fetched) and error formatting
 * all recurse, and in Node 20 structured clone overflowed the stack at 4,000 levels.
 */
import { ManifestError } from './manifestError';

/**
 * Deepest nesting a manifest may have. formatVersion 1's deepest value, `files[i].chunks.sha256[j]`,
 * sits 4 levels down; 32 leaves room for extensions and stays 100 times under the stack limits.
 */
export const MAX_JSON_DEPTH = 32;

interface Visit {
  readonly value: object;
  readonly depth: number;
  readonly parent: Visit | null;
  readonly key: string | number;
}

/**
 * Walks `json` without recursion and throws if an array or object sits deeper than `MAX_JSON_DEPTH`.
 * @throws ManifestError `too-deep`, naming the path of the first container found too deep
 */
export function checkJsonDepth(json: unknown): void {
  if (typeof json !== 'object' || json === null) return;
  const pending: Visit[] = [{ value: json, depth: 0, parent: null, key: '' }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const container = visit.value as Record<string | number, unknown>;
    // Arrays by index: a million-word vocabulary needs no second list of its keys.
    const names = Array.isArray(visit.value) ? null : Object.keys(container);
    const count = names ? names.length : (visit.value as unknown[]).length;
    for (let i = 0; i < count; i++) {
      const key = names ? names[i]! : i;
      const value = container[key];
      if (typeof value !== 'object' || value === null) continue;
      const next: Visit = { value, depth: visit.depth + 1, parent: visit, key };
      if (next.depth > MAX_JSON_DEPTH) {
        throw new ManifestError(
          'too-deep',
          pathOf(next),
          `is nested more than ${MAX_JSON_DEPTH} levels deep, the most a manifest may nest. This is not a model pack Tessera can read; check its manifest.json.`,
        );
      }
      pending.push(next);
    }
  }
}

/** The JSON path of a visit, e.g. `files[2].chunks`. */
function pathOf(visit: Visit): string {
  const keys: (string | number)[] = [];
  for (let v: Visit | null = visit; v?.parent; v = v.parent) keys.push(v.key);
  return keys.reverse().reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key), '');
}
