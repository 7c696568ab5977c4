/**
 * A short rendering of any JSON value for error messages. It never walks deeper than a few levels
 * or further than a few dozen characters, so a 100,000-level array or a 30 MB vocabulary costs the
 * same as a number (JSON.stringify overflowed the stack on 5,000 nested arrays).
 */

/** Longest rendering returned, "..." included. */
export const MAX_DESCRIPTION_CHARS = 60;
/** Containers nested deeper than this are shown as `[...]` or `{...}`. */
const MAX_DESCRIPTION_DEPTH = 3;

/** Renders `value` like JSON, cut to `MAX_DESCRIPTION_CHARS`; `undefined` is "nothing". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = render(value, MAX_DESCRIPTION_DEPTH, MAX_DESCRIPTION_CHARS + 1);
  return text.length > MAX_DESCRIPTION_CHARS ? `${text.slice(0, MAX_DESCRIPTION_CHARS - 3)}...` : text;
}

/** Renders at most about `budget` characters; the caller cuts the rest. */
function render(value: unknown, depth: number, budget: number): string {
  if (typeof value === 'string') return JSON.stringify(value.length > budget ? value.slice(0, budget) : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? 'a function' : String(value);
  const isArray = Array.isArray(value);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  const keys = isArray ? null : Object.keys(value);
  const length = isArray ? value.length : keys!.length;
  if (length === 0) return open + close;
  if (depth === 0) return `${open}...${close}`;
  let text = open;
  for (let i = 0; i < length && text.length < budget; i++) {
    const item = isArray ? value[i] : (value as Record<string, unknown>)[keys![i]!];
    const entry = render(item, depth - 1, budget - text.length);
    text += (i > 0 ? ',' : '') + (isArray ? entry : `${render(keys![i]!, 0, budget - text.length)}:${entry}`);
  }
  return text + close;
}
