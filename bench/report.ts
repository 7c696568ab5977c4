/**
 * Turns the raw measurements into the result file (fixed keys, so figures can be tracked over
 * time) and the markdown table the README shows.
 */
import type { AdherenceResult } from './adherence';
import { samplingMs, type RunTimings } from './app';
import type { AdapterInfo, MemoryPoint, TimedRuns } from './browserBench';
import { DEFAULT_CLIP, GPU_CLIP, IDLE_AFTER_LOAD_MS, type BenchPlan, type ClipSettings } from './config';
import type { MachineInfo, OtherLoadSummary, OtherProcess } from './machine';
import type { Comparison } from './compare';
import type { PlanMemory } from './memoryPlans';
import { decoderRows, type DecoderProbe } from './decoderProbe';
import type { ProbeTimes } from './kernelProbe';
import type { CacheBenchResult } from './page/cacheBench';
import { pairedRatio, round, summarize, type Summary } from './stats';

export interface PairedRuns {
  readonly browser: TimedRuns & { warmups: RunTimings[] };
  readonly nativeMs: number[];
  readonly nativeRunMs: number[];
  readonly nativeRunMsByRole: Record<string, number>[];
}

/** The default clip from the int8 and the fp32 pack, in turn: WASM timings and native ms. */
export interface PackPairs {
  readonly int8: RunTimings[];
  readonly fp32: RunTimings[];
  readonly nativeInt8: number[];
  readonly nativeFp32: number[];
}

/** The graphs alone (bench/kernelProbe.ts) at one thread count. */
export interface KernelProbe {
  readonly threads: number;
  readonly wasm: ProbeTimes;
  readonly native: ProbeTimes;
}

export interface BenchInputs {
  readonly date: string;
  readonly build: { dist: string; commit: string | null; nativeConfig: string };
  readonly quick: boolean;
  readonly plan: BenchPlan;
  readonly note: string | null;
  readonly durationS: number;
  readonly machine: MachineInfo;
  readonly browserVersion: string;
  readonly wasmBadge: string;
  readonly gpuBadge: string | null;
  readonly adapter: AdapterInfo | null;
  readonly otherLoad: { start: OtherProcess[]; end: OtherProcess[]; loadAvgStart: number; loadAvgEnd: number; during: OtherLoadSummary };
  readonly appLoadMs: number;
  readonly p1: PairedRuns;
  /** The same, one thread on both sides. */
  readonly p1Single: PairedRuns;
  readonly singleBadge: string;
  readonly kernels: KernelProbe[];
  /** The built-in decoder against the super-resolving one, each graph alone (null without tessera-tiny-2). */
  readonly decoders: DecoderProbe | null;
  readonly scaling: { clip: ClipSettings & { tokens: number }; browser: RunTimings[]; nativeMs: number[] }[];
  readonly wasmSmall: TimedRuns;
  readonly gpu: TimedRuns | null;
  readonly frameDiff: { wasmVsNative: { max: number; mean: number }; webgpuVsWasm: { max: number; mean: number } | null };
  readonly memory: MemoryPoint[];
  /** onnxruntime-node under each memory plan, a fresh process each (bench/memoryPlans.ts). */
  readonly memoryPlans: PlanMemory[];
  readonly p5: PackPairs;
  /** The pack the default clip (P1, P2, P4) ran on. */
  readonly pack: string;
  readonly packBytes: { int8: number; fp32: number };
  readonly cache: Record<string, CacheBenchResult>;
  readonly adherence: Record<string, AdherenceResult | null>;
  readonly adherenceNote: string | null;
  readonly comparison: Comparison | null;
  readonly errors: string[];
}

const s = (values: number[], scale = 1) => summarize(values.map((v) => v * scale));
const med = (values: number[]) => summarize(values).median;

/** Rounded summary for the JSON file. */
function brief(summary: Summary, digits = 3): { median: number; min: number; max: number; n: number } {
  return { median: round(summary.median, digits), min: round(summary.min, digits), max: round(summary.max, digits), n: summary.n };
}

export type BenchResults = ReturnType<typeof buildResults>;

/** Medians of each memory plan's processes (bench/memoryPlans.ts), in MB and ms. */
export function summarizeMemoryPlans(runs: readonly PlanMemory[]) {
  const plan = (name: PlanMemory['plan']) => {
    const mine = runs.filter((m) => m.plan === name);
    if (mine.length === 0) return null;
    const peak = (m: PlanMemory) => Math.max(m.firstPeakRssBytes, m.secondPeakRssBytes);
    return {
      processes: mine.length,
      peakRssMb: brief(s(mine.map((m) => peak(m) / 1e6))),
      peakAboveStartMb: brief(s(mine.map((m) => (peak(m) - m.baseRssBytes) / 1e6))),
      secondGenerationPeakRssMb: brief(s(mine.map((m) => m.secondPeakRssBytes / 1e6))),
      peakHeapUsedMb: brief(s(mine.map((m) => m.peakHeapUsedBytes / 1e6))),
      firstGenerationMs: brief(s(mine.map((m) => m.firstMs))),
      secondGenerationMs: brief(s(mine.map((m) => m.secondMs))),
    };
  };
  return { resident: plan('resident'), sequential: plan('sequential') };
}

export function buildResults(inputs: BenchInputs, baseline: Record<string, unknown> | null) {
  const { p1, p5, gpu, wasmSmall } = inputs;
  const browserMs = p1.browser.timings.map(samplingMs);
  const p1Ratio = pairedRatio(browserMs, p1.nativeMs);
  const overhead = s(p1.browser.timings.map((t) => (samplingMs(t) - t.runMs) / samplingMs(t)));
  const endToEndOverhead = s(p1.browser.timings.map((t) => (t.totalMs - t.runMs) / t.totalMs));
  const gpuMs = gpu ? gpu.timings.map(samplingMs) : [];
  const wasmSmallMs = wasmSmall.timings.map(samplingMs);
  const int8Load = inputs.cache['tessera-tiny'];
  const fp32Load = inputs.cache['tessera-tiny-fp32'];
  const warmOverCold = int8Load ? s(int8Load.load.map((l) => l.warmMs / l.coldMs)) : null;
  const fp32Ms = p5.fp32.map(samplingMs);
  const int8Ms = p5.int8.map(samplingMs);
  const roleShare = (timings: RunTimings[], role: string) => med(timings.map((t) => t.runMsByRole[role] ?? 0));
  const firstGeneration = p1.browser.warmups[0];
  const memory = inputs.memory;
  const memBase = memory[0];
  const memLast = memory.at(-1);
  const memoryPlans = summarizeMemoryPlans(inputs.memoryPlans);

  const results = {
    date: inputs.date,
    quick: inputs.quick,
    note: inputs.note,
    p1_wasm_over_native: round(p1Ratio.median),
    p1_cpu: inputs.machine.cpuDescription,
    p1b_webgpu_over_wasm: gpu ? round(med(gpuMs) / med(wasmSmallMs)) : null,
    p1b_max_abs_diff: inputs.frameDiff.webgpuVsWasm?.max ?? null,
    p2_overhead_share: round(overhead.median),
    p2_end_to_end_overhead_share: round(endToEndOverhead.median),
    p2_gpu_copy_ms: gpu ? round(med(gpu.timings.map((t) => t.copyMs))) : null,
    p2_gpu_copy_share: gpu ? round(med(gpu.timings.map((t) => t.copyMs / samplingMs(t)))) : null,
    p3_warm_over_cold: warmOverCold ? round(warmOverCold.median) : null,
    p3_cache_read_mb_s: int8Load ? round(int8Load.read.mbPerSecond) : null,
    p4_first_preview_s: round(med(p1.browser.timings.map((t) => t.firstPreviewMs ?? Number.NaN)) / 1000),
    p4_total_s: round(med(p1.browser.timings.map((t) => t.totalMs)) / 1000),
    p4_first_generation_first_preview_s: firstGeneration?.firstPreviewMs != null ? round(firstGeneration.firstPreviewMs / 1000) : null,
    p4_first_generation_total_s: firstGeneration ? round(firstGeneration.totalMs / 1000) : null,
    p5_quant_size_ratio: round(inputs.packBytes.int8 / inputs.packBytes.fp32),
    p5_quant_speed_ratio: round(pairedRatio(int8Ms, fp32Ms).median),
    p5_quant_native_speed_ratio: round(pairedRatio(p5.nativeInt8, p5.nativeFp32).median),
    p5_adherence_int8: inputs.adherence['tessera-tiny']?.meanRate != null ? round(inputs.adherence['tessera-tiny']!.meanRate) : null,
    p5_adherence_fp32: inputs.adherence['tessera-tiny-fp32']?.meanRate != null ? round(inputs.adherence['tessera-tiny-fp32']!.meanRate) : null,
    memory_plan_peak_rss_mb: {
      resident: memoryPlans.resident ? memoryPlans.resident.peakRssMb.median : null,
      sequential: memoryPlans.sequential ? memoryPlans.sequential.peakRssMb.median : null,
    },
    memory_peak_mb: Object.fromEntries(memory.map((m) => [`${m.frames}f`, m.peakRssBytes === null ? null : round(m.peakRssBytes / 1e6)])),
    machine: {
      cores: inputs.machine.cores,
      cpu: inputs.machine.cpuModel,
      cpuVectors: inputs.machine.cpuDescription,
      memoryGiB: inputs.machine.memoryGiB,
      browser: `Chromium ${inputs.browserVersion}`,
      adapter: inputs.adapter ? `${[inputs.adapter.vendor, inputs.adapter.architecture].filter(Boolean).join(' ')} (${inputs.adapter.description})${inputs.adapter.isFallbackAdapter ? ', software fallback adapter' : ''}` : 'none',
      wasm: inputs.wasmBadge,
      node: inputs.machine.node,
      onnxruntime: 'onnxruntime-web 1.30 (WebGPU build) / onnxruntime-node 1.30, default threads',
      alsoRunning: inputs.otherLoad,
    },
    settings: {
      build: inputs.build,
      pack: inputs.pack,
      prompt: 'fixed, canonical caption',
      seed: 1234,
      defaultClip: DEFAULT_CLIP,
      gpuClip: GPU_CLIP,
      plan: inputs.plan,
      durationS: Math.round(inputs.durationS),
    },
    details: {
      appLoadS: round(inputs.appLoadMs / 1000),
      p1: {
        wasmSamplingMs: brief(s(browserMs)),
        nativeMs: brief(s(p1.nativeMs)),
        ratio: brief(p1Ratio),
        wasmRunMsByRole: Object.fromEntries(['textEncoder', 'dit', 'vaeDecoder'].map((r) => [r, round(roleShare(p1.browser.timings, r))])),
        nativeRunMsByRole: Object.fromEntries(['textEncoder', 'dit', 'vaeDecoder'].map((r) => [r, round(med(p1.nativeRunMsByRole.map((b) => b[r] ?? 0)))])),
        nativeRunMs: brief(s(p1.nativeRunMs)),
        wasmRunMs: brief(s(p1.browser.timings.map((t) => t.runMs))),
        oneThread: {
          wasm: inputs.singleBadge,
          wasmSamplingMs: brief(s(inputs.p1Single.browser.timings.map(samplingMs))),
          nativeMs: brief(s(inputs.p1Single.nativeMs)),
          ratio: brief(pairedRatio(inputs.p1Single.browser.timings.map(samplingMs), inputs.p1Single.nativeMs)),
          wasmRunMsByRole: Object.fromEntries(['textEncoder', 'dit', 'vaeDecoder'].map((r) => [r, round(roleShare(inputs.p1Single.browser.timings, r))])),
          nativeRunMsByRole: Object.fromEntries(['textEncoder', 'dit', 'vaeDecoder'].map((r) => [r, round(med(inputs.p1Single.nativeRunMsByRole.map((b) => b[r] ?? 0)))])),
          wasmThreadSpeedup: round(med(inputs.p1Single.browser.timings.map(samplingMs)) / med(browserMs)),
          nativeThreadSpeedup: round(med(inputs.p1Single.nativeMs) / med(p1.nativeMs)),
        },
        kernels: inputs.kernels.map((k) => ({
          threads: k.threads,
          wasmGemmGflops: round(k.wasm.gemmGflops),
          nativeGemmGflops: round(k.native.gemmGflops),
          gemmNativeOverWasm: round(k.native.gemmGflops / k.wasm.gemmGflops),
          wasmDitStepMs: round(k.wasm.ditMs),
          nativeDitStepMs: round(k.native.ditMs),
          ditWasmOverNative: round(k.wasm.ditMs / k.native.ditMs),
        })),
        decoders: inputs.decoders,
        maxAbsDiffVsNative: inputs.frameDiff.wasmVsNative.max,
        meanAbsDiffVsNative: round(inputs.frameDiff.wasmVsNative.mean),
      },
      p1b: gpu
        ? {
            clip: GPU_CLIP,
            webgpuSamplingMs: brief(s(gpuMs)),
            wasmSamplingMs: brief(s(wasmSmallMs)),
            webgpuRunMsByRole: Object.fromEntries(['textEncoder', 'dit', 'vaeDecoder'].map((r) => [r, round(roleShare(gpu.timings, r))])),
            wasmRunMsByRole: Object.fromEntries(['textEncoder', 'dit', 'vaeDecoder'].map((r) => [r, round(roleShare(wasmSmall.timings, r))])),
            maxAbsDiff: inputs.frameDiff.webgpuVsWasm?.max ?? null,
            meanAbsDiff: inputs.frameDiff.webgpuVsWasm ? round(inputs.frameDiff.webgpuVsWasm.mean) : null,
          }
        : null,
      p2: {
        overheadShare: brief(overhead),
        endToEndOverheadShare: brief(endToEndOverhead),
        pipelineOverheadMs: brief(s(p1.browser.timings.map((t) => samplingMs(t) - t.runMs))),
        muxMs: brief(s(p1.browser.timings.map((t) => t.muxMs))),
        runsPerClip: p1.browser.timings[0]?.runs ?? null,
        nativeOverheadShare: brief(s(p1.nativeMs.map((ms, i) => (ms - p1.nativeRunMs[i]!) / ms))),
      },
      p3: Object.fromEntries(
        Object.entries(inputs.cache).map(([pack, r]) => [
          pack,
          {
            bytes: r.read.bytes,
            coldMs: brief(s(r.load.map((l) => l.coldMs))),
            warmMs: brief(s(r.load.map((l) => l.warmMs))),
            warmOverCold: brief(s(r.load.map((l) => l.warmMs / l.coldMs))),
            readMbPerSecond: round(r.read.mbPerSecond),
          },
        ]),
      ),
      p4: {
        firstPreviewS: brief(s(p1.browser.timings.map((t) => t.firstPreviewMs ?? Number.NaN), 1 / 1000)),
        totalS: brief(s(p1.browser.timings.map((t) => t.totalMs), 1 / 1000)),
        stagesMs: {
          encode: round(med(p1.browser.timings.map((t) => t.encodeMs))),
          denoise: round(med(p1.browser.timings.map((t) => t.denoiseMs))),
          decode: round(med(p1.browser.timings.map((t) => t.decodeMs))),
          mux: round(med(p1.browser.timings.map((t) => t.muxMs))),
        },
        firstGeneration: firstGeneration ?? null,
        secondsPerStep: inputs.scaling.map(({ clip, browser, nativeMs }) => ({
          tokens: clip.tokens,
          clip: `${clip.aspect} × ${clip.frames}f, ${clip.steps} steps`,
          wasmSPerStep: brief(s(browser.map((t) => t.denoiseMs / clip.steps / 1000)), 3),
          wasmDitRunSPerStep: round(med(browser.map((t) => (t.runMsByRole['dit'] ?? 0) / clip.steps / 1000))),
          wasmSamplingS: round(med(browser.map(samplingMs)) / 1000),
          nativeS: round(med(nativeMs) / 1000),
          wasmOverNative: round(pairedRatio(browser.map(samplingMs), nativeMs).median),
        })),
      },
      p5: {
        int8Bytes: inputs.packBytes.int8,
        fp32Bytes: inputs.packBytes.fp32,
        int8WasmSamplingMs: brief(s(int8Ms)),
        fp32WasmSamplingMs: brief(s(fp32Ms)),
        int8NativeMs: brief(s(p5.nativeInt8)),
        fp32NativeMs: brief(s(p5.nativeFp32)),
        fp32WasmOverNative: round(pairedRatio(fp32Ms, p5.nativeFp32).median),
        adherence: inputs.adherence,
        adherenceNote: inputs.adherenceNote,
      },
      memory: memory.map((m) => ({
        ...m,
        peakOverBase: m.peakRssBytes !== null && m.baseRssBytes !== null ? m.peakRssBytes - m.baseRssBytes : null,
      })),
      memoryGrowth:
        memBase && memLast && memBase.peakRssBytes && memLast.peakRssBytes && memBase.baseRssBytes !== null && memLast.baseRssBytes !== null
          ? {
              tokensRatio: round(memLast.tokens / memBase.tokens),
              peakRatio: round(memLast.peakRssBytes / memBase.peakRssBytes),
              peakAboveIdleRatio:
                memBase.peakRssBytes - memBase.baseRssBytes > 1e6 ? round((memLast.peakRssBytes - memLast.baseRssBytes) / (memBase.peakRssBytes - memBase.baseRssBytes)) : null,
            }
          : null,
      memoryPlans,
      engineChanges: inputs.comparison,
      pageErrors: inputs.errors,
    },
    changes: null as null | Record<string, { before: number | null; after: number | null }>,
  };
  if (baseline) {
    const keys = ['p1_wasm_over_native', 'p1b_webgpu_over_wasm', 'p2_overhead_share', 'p2_end_to_end_overhead_share', 'p2_gpu_copy_ms', 'p4_first_preview_s', 'p4_total_s', 'p4_first_generation_first_preview_s'] as const;
    results.changes = Object.fromEntries(keys.map((k) => [k, { before: (baseline[k] as number | null) ?? null, after: results[k] as number | null }]));
  }
  return results;
}

const fmt = (v: number | null | undefined, digits = 3, unit = '') => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${round(v, digits)}${unit}`);
const range = (b: { median: number; min: number; max: number; n: number }, unit = '', scale = 1) =>
  `${fmt(b.median * scale, 3, unit)} (${fmt(b.min * scale, 3)}–${fmt(b.max * scale, 3)}, n=${b.n})`;

/** The before/after table of `--compare-dist`. */
export function renderComparison(c: Comparison): string[] {
  return [
    `Engine before → after, side by side in this run (before: ${c.before}); medians, after ÷ before pair by pair (range over the pairs):`,
    '',
    '| | before | after | after ÷ before |',
    '|---|---|---|---|',
    ...Object.entries(c.rows).map(
      ([name, v]) =>
        `| ${name} | ${fmt(v.before)} ${v.unit} | ${fmt(v.after)} ${v.unit} | ${fmt(v.afterOverBefore)}${v.ratioRange ? ` (${fmt(v.ratioRange.min)}–${fmt(v.ratioRange.max)}, n=${v.ratioRange.n})` : ''} |`,
    ),
    `| WASM frames vs onnxruntime-node, max levels of 255 | ${c.wasmVsNativeMaxDiff.before} | ${c.wasmVsNativeMaxDiff.after} | |`,
    `| WASM frames before vs after, max levels of 255 | | ${c.beforeVsAfterFramesMaxDiff} | |`,
  ];
}

/** The memory-plan row: onnxruntime-node's peaks under `resident` and `sequential`. */
export function planRow(plans: ReturnType<typeof summarizeMemoryPlans>): string {
  const { resident: r, sequential: q } = plans;
  if (!r || !q) return '| mem | onnxruntime-node by memory plan | not measured |';
  return (
    `| mem | onnxruntime-node peak RSS by memory plan, resident / sequential (default clip twice, ${r.processes} fresh process${r.processes === 1 ? '' : 'es'} each), MB | ` +
    `**${fmt(r.peakRssMb.median)} / ${fmt(q.peakRssMb.median)}** · above the process's start ${fmt(r.peakAboveStartMb.median)} / ${fmt(q.peakAboveStartMb.median)} · ` +
    `V8 heap ${fmt(r.peakHeapUsedMb.median)} / ${fmt(q.peakHeapUsedMb.median)} · second clip ${fmt(r.secondGenerationMs.median / 1000)} / ${fmt(q.secondGenerationMs.median / 1000)} s (sequential makes its sessions again) |`
  );
}

/** The table for the README's "Performance" section. */
export function renderMarkdown(r: BenchResults): string {
  const d = r.details;
  const mem = d.memory.map((m) => `${m.frames}f ${fmt(m.peakRssBytes === null ? null : m.peakRssBytes / 1e6, 3)}`).join(' · ');
  const memAbove = d.memory.map((m) => `${m.frames}f ${fmt(m.peakOverBase === null ? null : m.peakOverBase / 1e6, 3)}`).join(' · ');
  const steps = d.p4.secondsPerStep.map((x) => `${x.tokens} tok ${fmt(x.wasmSPerStep.median * 1000, 3)} ms`).join(' · ');
  const int8 = d.p3['tessera-tiny'];
  const adherence = (pack: string) => {
    const a = d.p5.adherence[pack];
    return a ? `${fmt(a.meanRate, 3)} (${a.scenes} scenes)` : '–';
  };
  const lines = [
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.browser}, WebGPU adapter: ${r.machine.adapter}.`,
    `Build ${r.settings.build.commit ?? r.settings.build.dist}; default clip on ${r.settings.pack} ${DEFAULT_CLIP.aspect} × ${DEFAULT_CLIP.frames} frames, ${DEFAULT_CLIP.steps} steps, CFG batched (B=2), seed 1234; ${r.machine.wasm}; medians (min–max, n runs); bench took ${r.settings.durationS} s.`,
    r.machine.alsoRunning.during.meanCores >= 0.05
      ? `Other processes used ${r.machine.alsoRunning.during.meanCores} cores on average during the bench (peak ${r.machine.alsoRunning.during.peakCores}): ${r.machine.alsoRunning.during.byCommand
          .slice(0, 4)
          .map((p) => `${p.command} ${p.cpuSeconds} s`)
          .join(', ')}.`
      : `Nothing else used the CPUs during the bench (other processes: ${r.machine.alsoRunning.during.meanCores} cores on average).`,
    r.quick ? '**Quick run (one sample each): not for comparison.**' : '',
    r.note ? `Note: ${r.note}` : '',
    '',
    '| | measure | value |',
    '|---|---|---|',
    `| P1 | Chromium WASM ÷ onnxruntime-node, default clip, on ${r.p1_cpu ?? r.machine.cpu} | **${fmt(r.p1_wasm_over_native)}×** · ${range(d.p1.wasmSamplingMs, ' ms')} vs ${range(d.p1.nativeMs, ' ms')} |`,
    `| P1 | the same on one thread each (page not cross-origin isolated) | ${fmt(d.p1.oneThread.ratio.median)}× · 2 threads speed WASM up ${fmt(d.p1.oneThread.wasmThreadSpeedup)}×, native ${fmt(d.p1.oneThread.nativeThreadSpeedup)}× |`,
    `| P1 | by graph, WASM ÷ native (2 threads): text encoder / DiT / VAE decoder | ${['textEncoder', 'dit', 'vaeDecoder'].map((r) => fmt((d.p1.wasmRunMsByRole[r] ?? 0) / (d.p1.nativeRunMsByRole[r] ?? 1))).join(' / ')} |`,
    ...d.p1.kernels.map(
      (k) =>
        `| P1 | graphs alone, ${k.threads} thread${k.threads === 1 ? '' : 's'}: matmul GFLOP/s WASM / native; one DiT step (80 tokens, B=2) WASM / native | ${fmt(k.wasmGemmGflops)} / ${fmt(k.nativeGemmGflops)} (${fmt(k.gemmNativeOverWasm)}×); ${fmt(k.wasmDitStepMs)} / ${fmt(k.nativeDitStepMs)} ms (${fmt(k.ditWasmOverNative)}×) |`,
    ),
    ...(d.p1.decoders ? decoderRows(d.p1.decoders) : ['| decode | tessera-tiny / tessera-tiny-2 decoders alone | tessera-tiny-2 not in public/models (skipped) |']),
    `| P1 | WASM vs native frames | max ${d.p1.maxAbsDiffVsNative} / mean ${fmt(d.p1.meanAbsDiffVsNative)} levels of 255 |`,
    d.p1b
      ? `| P1b | WebGPU ÷ WASM (${GPU_CLIP.frames} frames, ${GPU_CLIP.steps} steps) | **${fmt(r.p1b_webgpu_over_wasm)}×** · ${range(d.p1b.webgpuSamplingMs, ' ms')} vs ${range(d.p1b.wasmSamplingMs, ' ms')}; frames differ by max ${d.p1b.maxAbsDiff} / mean ${fmt(d.p1b.meanAbsDiff)} levels |`
      : '| P1b | WebGPU ÷ WASM | no adapter (skipped) |',
    `| P2 | pipeline overhead (sampling − session.run) ÷ sampling | **${fmt(r.p2_overhead_share! * 100, 3, '%')}** · ${range(d.p2.pipelineOverheadMs, ' ms')} per clip, ${d.p2.runsPerClip} runs (native: ${fmt(d.p2.nativeOverheadShare.median * 100, 3, '%')}) |`,
    `| P2 | end-to-end overhead incl. watermark + MP4 (total − session.run) ÷ total | ${fmt(r.p2_end_to_end_overhead_share! * 100, 3, '%')} · mux ${range(d.p2.muxMs, ' ms')} |`,
    `| P2 | GPU↔CPU copies (WebGPU) | ${r.p2_gpu_copy_ms === null ? '–' : `${fmt(r.p2_gpu_copy_ms)} ms per clip, ${fmt(r.p2_gpu_copy_share! * 100, 3, '%')} of sampling`} |`,
    int8
      ? `| P3 | warm load (IndexedDB) ÷ cold (download), tessera-tiny ${fmt(int8.bytes / 1e6, 3)} MB | **${fmt(r.p3_warm_over_cold)}** · ${range(int8.warmMs, ' ms')} vs ${range(int8.coldMs, ' ms')} |`
      : '',
    `| P3 | cache read rate | **${fmt(r.p3_cache_read_mb_s)} MB/s** (fp32 pack ${fmt(d.p3['tessera-tiny-fp32']?.readMbPerSecond)} MB/s) |`,
    `| P4 | default clip: first preview / total (warm engine) | **${fmt(r.p4_first_preview_s)} s / ${fmt(r.p4_total_s)} s** · stages ${d.p4.stagesMs.encode} / ${d.p4.stagesMs.denoise} / ${d.p4.stagesMs.decode} / ${d.p4.stagesMs.mux} ms (encode / denoise / decode / mux) |`,
    `| P4 | first generation, ${IDLE_AFTER_LOAD_MS / 1000} s after the page loaded: first preview / total | ${fmt(r.p4_first_generation_first_preview_s)} s / ${fmt(r.p4_first_generation_total_s)} s (app load ${fmt(d.appLoadS)} s) |`,
    `| P4 | WASM ms per step by token count | ${steps} |`,
    `| P5 | int8 ÷ fp32 (tessera-tiny, tessera-tiny-fp32): size / WASM time / native time | **${fmt(r.p5_quant_size_ratio)}** / ${fmt(r.p5_quant_speed_ratio)} / ${fmt(r.p5_quant_native_speed_ratio)} (fp32 WASM ÷ native ${fmt(d.p5.fp32WasmOverNative)}×) |`,
    `| P5 | held-out adherence (mean pass rate), int8 / fp32 | ${adherence('tessera-tiny')} / ${adherence('tessera-tiny-fp32')}${d.p5.adherenceNote ? ` (${d.p5.adherenceNote})` : ''} |`,
    `| mem | renderer peak RSS, MB (1:1, 4 steps) | ${mem} |`,
    `| mem | measureUserAgentSpecificMemory after the generation (page + workers; JS heaps), MB | ${d.memory.map((m) => `${m.frames}f ${fmt(m.uaMemoryBytes === null ? null : m.uaMemoryBytes / 1e6, 3)}`).join(' · ')} · main-thread JS heap ${fmt((d.memory[0]?.mainJsHeapBytes ?? Number.NaN) / 1e6, 3)} MB |`,
    planRow(d.memoryPlans),
    `| mem | peak above idle (model loaded), MB | ${memAbove}${d.memoryGrowth?.peakAboveIdleRatio ? ` · ×${d.memoryGrowth.peakAboveIdleRatio} for ×${d.memoryGrowth.tokensRatio} tokens` : ''} |`,
  ];
  if (d.engineChanges) lines.push('', ...renderComparison(d.engineChanges));
  if (r.changes) {
    lines.push('', '| before → after | before | after |', '|---|---|---|');
    for (const [key, { before, after }] of Object.entries(r.changes)) lines.push(`| ${key} | ${fmt(before)} | ${fmt(after)} |`);
  }
  return `${lines.filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n')}\n`;
}
