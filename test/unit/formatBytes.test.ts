import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/lib/formatBytes';

describe('formatBytes', () => {
  it('writes whole bytes below a kilobyte', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(999)).toBe('999 B');
  });

  it('keeps three significant digits in decimal SI units', () => {
    expect(formatBytes(1_800)).toBe('1.80 kB');
    expect(formatBytes(34_012)).toBe('34.0 kB');
    expect(formatBytes(340_400)).toBe('340 kB');
    expect(formatBytes(2_836_007)).toBe('2.84 MB');
    expect(formatBytes(12_091_523)).toBe('12.1 MB');
    expect(formatBytes(4 * 1024 ** 3)).toBe('4.29 GB');
  });

  it('says so when the size is unknown', () => {
    expect(formatBytes(Number.NaN)).toBe('? B');
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('? B');
  });
});
