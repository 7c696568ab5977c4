/** Summaries of repeated measurements: the median, with the spread the runs showed. */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
  /** (max − min) / median: how noisy the runs were. */
  readonly spread: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0, spread: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted.at(-1)!;
  return { median, min, max, n: values.length, spread: median === 0 ? 0 : (max - min) / median };
}

/** Median of per-pair ratios a[i]/b[i] (pairs taken in turn, so drift in machine speed cancels). */
export function pairedRatio(a: readonly number[], b: readonly number[]): Summary {
  const n = Math.min(a.length, b.length);
  return summarize(Array.from({ length: n }, (_, i) => a[i]! / b[i]!));
}

/** Rounds for the report: `digits` significant figures. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** "1.23 (1.20–1.31, n=5)" */
export function formatSummary(s: Summary, unit = '', digits = 3): string {
  return `${round(s.median, digits)}${unit} (${round(s.min, digits)}–${round(s.max, digits)}, n=${s.n})`;
}
