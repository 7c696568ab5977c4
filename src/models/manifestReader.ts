import { describeValue } from './describeValue';
import { ManifestError } from './manifestError';

/** A JSON object seen while parsing, with its path for error messages. */
export interface Node {
  readonly value: Readonly<Record<string, unknown>>;
  readonly path: string;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Asserts that `value` is a plain JSON object (not an array or null). */
export function object(value: unknown, path: string): Node {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError(path ? 'wrong-type' : 'not-object', path || '(root)', `got ${describeValue(value)}, expected an object`);
  }
  return { value: value as Record<string, unknown>, path };
}

/** Reads an own property; `Object.hasOwn` keeps `__proto__` and inherited names out. */
export function field(node: Node, key: string): unknown {
  const path = join(node.path, key);
  if (!Object.hasOwn(node.value, key) || node.value[key] === undefined) {
    throw new ManifestError('missing-field', path, 'is missing');
  }
  return node.value[key];
}

/** Reads a nested object field. */
export function child(node: Node, key: string): Node {
  return object(field(node, key), join(node.path, key));
}

/** Reads a string field, optionally checked against a pattern described in `allowed`. */
export function string(node: Node, key: string, pattern?: RegExp, allowed?: string): string {
  const value = field(node, key);
  const path = join(node.path, key);
  if (typeof value !== 'string') throw new ManifestError('wrong-type', path, `got ${describeValue(value)}, expected a string`);
  if (pattern && !pattern.test(value)) {
    throw new ManifestError('invalid-value', path, `got ${describeValue(value)}, expected ${allowed ?? pattern.source}`);
  }
  return value;
}

/** Reads a string field that must be one of `choices`. */
export function oneOf<T extends string>(node: Node, key: string, choices: readonly T[]): T {
  const value = field(node, key);
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new ManifestError('invalid-value', join(node.path, key), `got ${describeValue(value)}, expected one of ${choices.join(', ')}`);
  }
  return value as T;
}

/** Reads a boolean field. */
export function boolean(node: Node, key: string): boolean {
  const value = field(node, key);
  if (typeof value !== 'boolean') {
    throw new ManifestError('wrong-type', join(node.path, key), `got ${describeValue(value)}, expected true or false`);
  }
  return value;
}

/** Checks that a value is a finite number within [min, max]. */
export function numberValue(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ManifestError('wrong-type', path, `got ${describeValue(value)}, expected a finite number`);
  }
  if (value < min || value > max) {
    throw new ManifestError('invalid-value', path, `got ${value}, expected a number in [${min}, ${max}]`);
  }
  return value;
}

/** Checks that a value is an integer within [min, max]. */
export function integerValue(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ManifestError('wrong-type', path, `got ${describeValue(value)}, expected an integer`);
  }
  if (value < min || value > max) {
    throw new ManifestError('invalid-value', path, `got ${value}, expected an integer in [${min}, ${max}]`);
  }
  return value;
}

/** Reads a finite number field within [min, max]. */
export function number(node: Node, key: string, min: number, max: number): number {
  return numberValue(field(node, key), join(node.path, key), min, max);
}

/** Reads an integer field within [min, max]. */
export function integer(node: Node, key: string, min: number, max: number): number {
  return integerValue(field(node, key), join(node.path, key), min, max);
}

/** Reads an array field with a length within [minLength, maxLength], returning items with their paths. */
export function array(node: Node, key: string, minLength: number, maxLength: number): { value: unknown; path: string }[] {
  const value = field(node, key);
  const path = join(node.path, key);
  if (!Array.isArray(value)) throw new ManifestError('wrong-type', path, `got ${describeValue(value)}, expected an array`);
  if (value.length < minLength || value.length > maxLength) {
    throw new ManifestError('invalid-value', path, `has ${value.length} entries, expected ${minLength} to ${maxLength}`);
  }
  return value.map((item: unknown, i) => ({ value: item, path: join(path, i) }));
}
