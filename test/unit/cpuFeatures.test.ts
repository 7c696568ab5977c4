import { describe, expect, it } from 'vitest';
import { cpuDescription, cpuFlags, vectorExtensions } from '../../bench/cpuFeatures';

const EPYC_AVX2 = 'processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2\n\nprocessor\t: 1\nflags\t\t: fpu\n';
const XEON_VNNI = 'flags\t\t: sse4_2 avx avx2 fma avx512f avx512bw avx512vl avx512_vnni\n';

describe('cpuFeatures', () => {
  it('reads the first processor\'s flags', () => {
    const flags = cpuFlags(EPYC_AVX2);
    expect(flags.has('avx2')).toBe(true);
    expect(vectorExtensions(flags)).toEqual(['sse4_2', 'avx', 'avx2', 'fma', 'f16c']);
  });

  it('names what native kernels lack beside P1', () => {
    expect(cpuDescription('AMD EPYC', cpuFlags(EPYC_AVX2))).toBe('AMD EPYC · sse4_2 avx avx2 fma f16c (no AVX-512, no VNNI)');
    expect(cpuDescription('Xeon', cpuFlags(XEON_VNNI))).toBe('Xeon · sse4_2 avx avx2 fma avx512f avx512bw avx512vl avx512_vnni');
  });

  it('says when the flags are unknown', () => {
    expect(cpuDescription('Apple M2', new Set())).toBe('Apple M2 · vector extensions unknown');
  });
});
