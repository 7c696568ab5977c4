/**
 * The CPU a P1 figure belongs to: WASM ÷ native depends on the vector units native code can use
 * (onnxruntime-node picks AVX2, AVX-512 or VNNI kernels at run time) while WASM SIMD is 128-bit
 * everywhere, so the same build measured 1.42× on one host and 4.44× on another.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The vector extensions that matter for matmul kernels, in the order the report lists them. */
const VECTOR_FLAGS = ['sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_tile', 'amx_int8'] as const;

/** The flags of /proc/cpuinfo's first processor (empty where there is no /proc, e.g. macOS). */
export function cpuFlags(cpuinfo = readCpuinfo()): Set<string> {
  const line = cpuinfo.split('\n').find((entry) => entry.startsWith('flags'));
  return new Set(line ? line.slice(line.indexOf(':') + 1).trim().split(/\s+/) : []);
}

/** The vector extensions present, e.g. ["sse4_2", "avx", "avx2", "fma", "f16c"]. */
export function vectorExtensions(flags: Set<string>): string[] {
  return VECTOR_FLAGS.filter((flag) => flags.has(flag));
}

/** "AMD EPYC · avx2 fma (no AVX-512, no VNNI)": the model and what native kernels can use. */
export function cpuDescription(model = cpus()[0]?.model.trim() ?? 'unknown CPU', flags = cpuFlags()): string {
  if (flags.size === 0) return `${model} · vector extensions unknown`;
  const present = vectorExtensions(flags);
  const missing = [
    ...(present.some((flag) => flag.startsWith('avx512')) ? [] : ['AVX-512']),
    ...(present.some((flag) => flag.includes('vnni')) ? [] : ['VNNI']),
  ];
  return `${model} · ${present.join(' ')}${missing.length ? ` (no ${missing.join(', no ')})` : ''}`;
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}
