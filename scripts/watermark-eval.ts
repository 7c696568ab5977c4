/**
 * `npm run watermark:eval`: measures the invisible watermark on procedural clips.
 *
 * Positives: watermarked clips (five procedural families, several sizes) are written as MP4 the way
 * the CLI does (libx264 CRF 16), then re-encoded with ffmpeg at two bitrates and at CRF 28, scaled,
 * cropped, and decoded back; the detector must find the mark (and its payload). Negatives: unmarked
 * procedural clips, encoded at CRF 23, must not be flagged. The dark set (near-black clips like the
 * built-in model's) is measured apart, each clip marked without and with headroom
 * (watermarkHeadroom.ts) under the same conditions, plus unmarked dark clips. Prints Markdown tables
 * and writes the figures to `scripts/watermark-eval.results.json`.
 *
 * Options: `--clips N` (positives, default 60; 0 = negatives only, written to watermark-eval.negatives.json),
 * `--negatives N` (default 120), `--dark N` (default 12), `--dark-negatives N` (default 24), `--seed N`,
 * `--strength S` (RMS luma levels before masking), `--uniform` (no perceptual masking), `--no-headroom`.
 * Needs ffmpeg and ffprobe on PATH. Takes about 7 minutes on two cores shared with a training run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STRENGTH, detectWatermarkInLuma, embedWatermarkFrames, meanLumaOfGray, psnrRgb, type EmbedOptions, type WatermarkDetection } from '../src/safety/watermark';
import { FAMILIES, makeClip, type Clip, type Family } from './watermark-eval.clips';

const FPS = 8;
const FRAMES = 17;
const SIZES: [number, number][] = [[224, 128], [224, 128], [128, 128], [128, 224], [320, 180], [512, 288]];
/** Re-encode bitrates in bits per pixel per frame; 224x128 at 8 fps: 0.5 → 115 kbit/s, 0.15 → 34 kbit/s. */
const BPP_HIGH = 0.5;
const BPP_LOW = 0.15;

interface Condition {
  name: string;
  /** ffmpeg -vf chain (crop/scale), or null. */
  filter: (w: number, h: number) => string | null;
  /** Rate control of the re-encode: bits per pixel per frame, or a constant rate factor; null keeps the first encode. */
  rate: { bpp: number } | { crf: number } | null;
}

const even = (x: number) => 2 * Math.round(x / 2);
const CONDITIONS: Condition[] = [
  { name: 'as written (CRF 16)', filter: () => null, rate: null },
  { name: `re-encode ${BPP_HIGH} bpp`, filter: () => null, rate: { bpp: BPP_HIGH } },
  { name: `re-encode ${BPP_LOW} bpp`, filter: () => null, rate: { bpp: BPP_LOW } },
  // Quality-based rather than bitrate-based, as many upload pipelines re-encode.
  { name: 're-encode CRF 28', filter: () => null, rate: { crf: 28 } },
  { name: `scale 0.8, ${BPP_HIGH} bpp`, filter: (w, h) => `scale=${even(w * 0.8)}:${even(h * 0.8)}`, rate: { bpp: BPP_HIGH } },
  { name: `scale 1.25, ${BPP_HIGH} bpp`, filter: (w, h) => `scale=${even(w * 1.25)}:${even(h * 1.25)}`, rate: { bpp: BPP_HIGH } },
  { name: `crop 3%, ${BPP_HIGH} bpp`, filter: (w, h) => cropFilter(w, h, [0.03, 0.02, 0.01, 0.03]), rate: { bpp: BPP_HIGH } },
  { name: `crop 6% + scale 0.9, ${BPP_LOW} bpp`, filter: (w, h) => `${cropFilter(w, h, [0.06, 0.05, 0.02, 0.04])},scale=${even(w * 0.88 * 0.9)}:${even(h * 0.91 * 0.9)}`, rate: { bpp: BPP_LOW } },
];

/** Crops fractions [left, top, right, bottom] of the frame. */
function cropFilter(w: number, h: number, [l, t, r, b]: number[]): string {
  const left = Math.round(w * l!);
  const top = Math.round(h * t!);
  return `crop=${even(w - left - Math.round(w * r!))}:${even(h - top - Math.round(h * b!))}:${left}:${top}`;
}

function run(cmd: string, args: string[], input?: Uint8Array): Buffer {
  const result = spawnSync(cmd, args, { input, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${result.stderr?.toString().trim().split('\n').pop()}`);
  return result.stdout;
}

function encode(frames: readonly Uint8ClampedArray[], width: number, height: number, out: string, crf: number): void {
  const raw = Buffer.concat(frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
  run('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-r', String(FPS), '-i', '-',
    '-c:v', 'libx264', '-threads', '1', '-pix_fmt', 'yuv420p', '-crf', String(crf), out], raw);
}

function transcode(input: string, output: string, filter: string | null, rate: { bpp: number } | { crf: number }, outW: number, outH: number): void {
  const kbps = 'bpp' in rate ? Math.max(8, Math.round((rate.bpp * outW * outH * FPS) / 1000)) : 0;
  const rateArgs = 'crf' in rate ? ['-crf', String(rate.crf)] : ['-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${2 * kbps}k`];
  run('ffmpeg', ['-y', '-loglevel', 'error', '-i', input, ...(filter ? ['-vf', filter] : []), '-c:v', 'libx264', '-threads', '1',
    '-pix_fmt', 'yuv420p', ...rateArgs, output]);
}

/** Decodes a video to 8-bit luma frames. */
export function decodeGray(path: string): { frames: Uint8Array[]; width: number; height: number } {
  const probe = run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path]).toString().trim();
  const [width, height] = probe.split(',').map(Number) as [number, number];
  const raw = run('ffmpeg', ['-loglevel', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
  const size = width * height;
  const frames = Array.from({ length: Math.floor(raw.length / size) }, (_, i) => new Uint8Array(raw.buffer, raw.byteOffset + i * size, size));
  return { frames, width, height };
}

function outputSize(condition: Condition, w: number, h: number): [number, number] {
  const f = condition.filter(w, h);
  if (!f) return [w, h];
  const scale = /scale=(\d+):(\d+)/.exec(f);
  if (scale) return [Number(scale[1]), Number(scale[2])];
  const crop = /crop=(\d+):(\d+)/.exec(f)!;
  return [Number(crop[1]), Number(crop[2])];
}

interface Tally {
  n: number;
  detected: number;
  payloadOk: number;
}

const newTallies = () => new Map<string, Tally>(CONDITIONS.map((c) => [c.name, { n: 0, detected: 0, payloadOk: 0 }]));

function count(tally: Tally, detected: boolean, payloadOk: boolean): void {
  tally.n++;
  if (detected) tally.detected++;
  if (payloadOk) tally.payloadOk++;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function detectFile(path: string): WatermarkDetection {
  const video = decodeGray(path);
  return detectWatermarkInLuma(meanLumaOfGray(video.frames, video.width, video.height), video.width, video.height);
}

/** Marks a clip, writes it as the CLI does (CRF 16) and checks it after every condition. */
function markAndCheck(clip: Clip, payload: number, options: EmbedOptions, dir: string): { psnrs: number[]; checks: { condition: string; d: WatermarkDetection }[] } {
  const { width: w, height: h } = clip;
  const marked = embedWatermarkFrames(clip.frames, w, h, payload, options);
  const psnrs = marked.map((f, i) => psnrRgb(clip.frames[i]!, f));
  const first = join(dir, 'marked.mp4');
  encode(marked, w, h, first, 16);
  const checks = CONDITIONS.map((condition) => {
    let path = first;
    if (condition.rate !== null) {
      const [ow, oh] = outputSize(condition, w, h);
      path = join(dir, 'attacked.mp4');
      transcode(first, path, condition.filter(w, h), condition.rate, ow, oh);
    }
    return { condition: condition.name, d: detectFile(path) };
  });
  return { psnrs, checks };
}

/** Checks an unmarked clip written at CRF 23. */
function checkUnmarked(clip: Clip, dir: string): WatermarkDetection {
  const path = join(dir, 'plain.mp4');
  encode(clip.frames, clip.width, clip.height, path, 23);
  return detectFile(path);
}

/** Share of R, G, B values the headroom changes in a clip's marked frames (0 = marked exactly as without it). */
function headroomChange(clip: Clip, payload: number, options: EmbedOptions): number {
  const a = embedWatermarkFrames(clip.frames, clip.width, clip.height, payload, options);
  const b = embedWatermarkFrames(clip.frames, clip.width, clip.height, payload, { ...options, headroom: false });
  let differ = 0;
  for (const [i, f] of a.entries()) for (let k = 0; k < f.length; k++) if (k % 4 !== 3 && f[k] !== b[i]![k]) differ++;
  return differ / ((a.length * a[0]!.length * 3) / 4);
}

/** The dark set, marked without and with headroom (before and after the fix), and unmarked. */
interface DarkResults {
  clips: number;
  variants: Record<'without headroom' | 'with headroom', { psnrs: number[]; byCondition: Map<string, Tally>; misses: string[] }>;
  negatives: number;
  falsePositives: number;
  negativeScores: number[];
}

function measureDark(clips: number, negatives: number, seed: number, options: EmbedOptions, dir: string): DarkResults {
  const variants: DarkResults['variants'] = {
    'without headroom': { psnrs: [], byCondition: newTallies(), misses: [] },
    'with headroom': { psnrs: [], byCondition: newTallies(), misses: [] },
  };
  for (let c = 0; c < clips; c++) {
    const [w, h] = SIZES[c % SIZES.length]!;
    const clip = makeClip('dark', w, h, FRAMES, seed * 300_007 + c);
    const payload = ((Math.imul(seed * 6007 + c, 2654435761) >>> 0) ^ 0xa5a5a5a5) >>> 0;
    for (const [name, variant] of Object.entries(variants)) {
      const { psnrs, checks } = markAndCheck(clip, payload, { ...options, headroom: name === 'with headroom' }, dir);
      variant.psnrs.push(...psnrs);
      for (const { condition, d } of checks) {
        count(variant.byCondition.get(condition)!, d.detected, d.payload === payload);
        if (!d.detected) variant.misses.push(`dark ${w}x${h} #${c}: ${condition} (logP ${d.logPValue.toFixed(1)})`);
      }
    }
    process.stderr.write(`\rdark positives ${c + 1}/${clips}`);
  }
  const unmarked: WatermarkDetection[] = [];
  for (let c = 0; c < negatives; c++) {
    const [w, h] = SIZES[(c + 1) % SIZES.length]!;
    unmarked.push(checkUnmarked(makeClip('dark', w, h, FRAMES, seed * 9_000_011 + c), dir));
    process.stderr.write(`\rdark negatives ${c + 1}/${negatives}`);
  }
  process.stderr.write('\n');
  return { clips, variants, negatives, falsePositives: unmarked.filter((d) => d.detected).length, negativeScores: unmarked.map((d) => d.logPValue) };
}

function main(): void {
  const clips = arg('--clips', 60);
  const negatives = arg('--negatives', 120);
  const darkClips = arg('--dark', 12);
  const darkNegatives = arg('--dark-negatives', 24);
  const seed = arg('--seed', 1);
  const strength = arg('--strength', DEFAULT_STRENGTH);
  const adaptive = !process.argv.includes('--uniform');
  const headroom = !process.argv.includes('--no-headroom');
  const options: EmbedOptions = { strength, adaptive, headroom };
  const dir = mkdtempSync(join(tmpdir(), 'tessera-wm-'));
  const started = performance.now();
  const byCondition = newTallies();
  const byFamily = new Map<Family, Tally>(FAMILIES.map((f) => [f, { n: 0, detected: 0, payloadOk: 0 }]));
  const psnrs: number[] = [];
  const psnrByFamily = new Map<Family, number[]>(FAMILIES.map((f) => [f, []]));
  const misses: string[] = [];
  const headroomChanges: number[] = [];
  try {
    for (let c = 0; c < clips; c++) {
      const family = FAMILIES[c % FAMILIES.length]!;
      const [w, h] = SIZES[c % SIZES.length]!;
      const clip: Clip = makeClip(family, w, h, FRAMES, seed * 100_003 + c);
      const payload = ((Math.imul(seed * 7919 + c, 2654435761) >>> 0) ^ 0x5a5a5a5a) >>> 0;
      const result = markAndCheck(clip, payload, options, dir);
      psnrs.push(...result.psnrs);
      psnrByFamily.get(family)!.push(...result.psnrs);
      for (const { condition, d } of result.checks) {
        for (const tally of [byCondition.get(condition)!, byFamily.get(family)!]) count(tally, d.detected, d.payload === payload);
        if (!d.detected) misses.push(`${family} ${w}x${h} #${c}: ${condition} (logP ${d.logPValue.toFixed(1)})`);
      }
      if (headroom) headroomChanges.push(headroomChange(clip, payload, options));
      process.stderr.write(`\rpositives ${c + 1}/${clips}`);
    }
    process.stderr.write('\n');
    const unmarked: WatermarkDetection[] = [];
    for (let c = 0; c < negatives; c++) {
      const family = FAMILIES[c % FAMILIES.length]!;
      const [w, h] = SIZES[(c + 1) % SIZES.length]!;
      unmarked.push(checkUnmarked(makeClip(family, w, h, FRAMES, seed * 7_000_001 + c), dir));
      process.stderr.write(`\rnegatives ${c + 1}/${negatives}`);
    }
    process.stderr.write('\n');
    const falsePositives = unmarked.filter((d) => d.detected).length;
    const negativeScores = unmarked.map((d) => d.logPValue);
    const dark = darkClips + darkNegatives > 0 ? measureDark(darkClips, darkNegatives, seed, options, dir) : null;
    report({ clips, negatives, psnrs, psnrByFamily, strength, adaptive, headroom, headroomChanges, byCondition, byFamily, falsePositives, negativeScores, misses, dark, seconds: (performance.now() - started) / 1000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Results {
  clips: number;
  negatives: number;
  psnrs: number[];
  psnrByFamily: Map<Family, number[]>;
  strength: number;
  adaptive: boolean;
  headroom: boolean;
  /** Per standard clip: share of channel values the headroom changed. */
  headroomChanges: number[];
  byCondition: Map<string, Tally>;
  byFamily: Map<Family, Tally>;
  falsePositives: number;
  negativeScores: number[];
  misses: string[];
  dark: DarkResults | null;
  seconds: number;
}

const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const psnrSummary = (p: number[]) => ({ mean: avg(p), min: Math.min(...p) });

function report(r: Results): void {
  const options = [r.adaptive ? 'perceptual masking' : '', r.headroom ? 'headroom' : ''].filter(Boolean).join(' and ');
  console.log(`\nwatermark strength ${r.strength} (RMS luma levels)${options ? ` with ${options}` : ''}; ${r.clips} marked clips, ${r.negatives} unmarked clips, ` +
    `${r.dark?.clips ?? 0} dark clips, ${r.seconds.toFixed(0)} s`);
  if (r.clips > 0) printPositives(r);
  if (r.negatives > 0) {
    console.log(`\nfalse positives on unmarked clips: ${r.falsePositives}/${r.negatives} (${pct(r.falsePositives, r.negatives)}); ` +
      `smallest corrected p-value seen on them: e^${Math.min(...r.negativeScores).toFixed(2)} (threshold 1e-4 = e^-9.21); median e^${median(r.negativeScores).toFixed(2)}`);
  }
  if (r.dark) printDark(r.dark);
  if (r.misses.length > 0) console.log(`\nmisses:\n  ${r.misses.join('\n  ')}`);
  const out = fileURLToPath(new URL(r.clips > 0 ? './watermark-eval.results.json' : './watermark-eval.negatives.json', import.meta.url));
  const dark = r.dark && {
    clips: r.dark.clips,
    ...Object.fromEntries(Object.entries(r.dark.variants).map(([name, v]) => [name, {
      psnrMean: avg(v.psnrs), psnrMin: Math.min(...v.psnrs), conditions: Object.fromEntries(v.byCondition), misses: v.misses,
    }])),
    negatives: r.dark.negatives, falsePositives: r.dark.falsePositives,
    negativeLogPMin: Math.min(...r.dark.negativeScores), negativeLogPMax: Math.max(...r.dark.negativeScores),
  };
  writeFileSync(out, `${JSON.stringify({
    strength: r.strength, adaptive: r.adaptive, headroom: r.headroom, clips: r.clips,
    psnrByFamily: Object.fromEntries([...r.psnrByFamily].map(([f, p]) => [f, psnrSummary(p)])), negatives: r.negatives, psnrMean: avg(r.psnrs), psnrMin: Math.min(...r.psnrs),
    conditions: Object.fromEntries(r.byCondition), families: Object.fromEntries(r.byFamily),
    falsePositives: r.falsePositives, negativeLogPMin: Math.min(...r.negativeScores), negativeLogPMax: Math.max(...r.negativeScores), misses: r.misses,
    headroomChangedClips: r.headroomChanges.filter((c) => c > 0).length, headroomChangedShareMax: Math.max(0, ...r.headroomChanges),
    dark,
  }, null, 2)}\n`);
  console.log(`\nfigures written to ${out}`);
}

function printPositives(r: Results): void {
  console.log(`PSNR of marked frames: mean ${avg(r.psnrs).toFixed(2)} dB, min ${Math.min(...r.psnrs).toFixed(2)} dB`);
  if (r.headroom) {
    console.log(`headroom changed ${r.headroomChanges.filter((c) => c > 0).length}/${r.clips} clips' marked frames, ` +
      `at most ${(100 * Math.max(0, ...r.headroomChanges)).toFixed(2)}% of a clip's channel values (the rest are marked exactly as without it)`);
  }
  console.log('\n| condition | detected | payload read |');
  console.log('|---|---|---|');
  for (const [name, t] of r.byCondition) console.log(`| ${name} | ${pct(t.detected, t.n)} (${t.detected}/${t.n}) | ${pct(t.payloadOk, t.n)} |`);
  console.log('\n| family | detected (all conditions) | payload read | PSNR mean | PSNR min |');
  console.log('|---|---|---|---|---|');
  for (const [name, t] of r.byFamily) {
    const p = r.psnrByFamily.get(name)!;
    console.log(`| ${name} | ${pct(t.detected, t.n)} | ${pct(t.payloadOk, t.n)} | ${avg(p).toFixed(2)} dB | ${Math.min(...p).toFixed(2)} dB |`);
  }
}

function printDark(dark: DarkResults): void {
  const [before, after] = [dark.variants['without headroom'], dark.variants['with headroom']];
  if (dark.clips > 0) {
    console.log(`\ndark set, ${dark.clips} clips, each marked without and with headroom:`);
    console.log(`PSNR mean/min: without ${avg(before.psnrs).toFixed(2)}/${Math.min(...before.psnrs).toFixed(2)} dB, with ${avg(after.psnrs).toFixed(2)}/${Math.min(...after.psnrs).toFixed(2)} dB\n`);
    console.log('| condition | detected without headroom | with headroom | payload read without | with |');
    console.log('|---|---|---|---|---|');
    for (const [name, b] of before.byCondition) {
      const a = after.byCondition.get(name)!;
      console.log(`| ${name} | ${pct(b.detected, b.n)} (${b.detected}/${b.n}) | ${pct(a.detected, a.n)} (${a.detected}/${a.n}) | ${pct(b.payloadOk, b.n)} | ${pct(a.payloadOk, a.n)} |`);
    }
    if (after.misses.length > 0) console.log(`\ndark misses with headroom:\n  ${after.misses.join('\n  ')}`);
  }
  if (dark.negatives > 0) {
    console.log(`\nfalse positives on unmarked dark clips: ${dark.falsePositives}/${dark.negatives}; smallest corrected p-value e^${Math.min(...dark.negativeScores).toFixed(2)}`);
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

main();
