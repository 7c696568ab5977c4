/**
 * `npm run watermark:eval`: measures the invisible watermark on procedural clips.
 *
 * Positives: watermarked clips (five procedural families, several sizes) are written as MP4 the way
 * the CLI does (libx264 CRF 16), then re-encoded with ffmpeg at two bitrates, scaled, cropped, and
 * decoded back; the detector must find the mark (and its payload). Negatives: unmarked procedural
 * clips, encoded at CRF 23, must not be flagged. Prints a Markdown table and writes the figures to
 * `scripts/watermark-eval.results.json`.
 *
 * Options: `--clips N` (positives, default 60; 0 = negatives only, written to watermark-eval.negatives.json),
 * `--negatives N` (default 120), `--seed N`,
 * `--strength S` (RMS luma levels before masking), `--uniform` (no perceptual masking).
 * Needs ffmpeg and ffprobe on PATH. Takes several minutes on two cores.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STRENGTH, detectWatermarkInLuma, embedWatermarkFrames, meanLumaOfGray, psnrRgb } from '../src/safety/watermark';
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
  /** Bits per pixel per frame of the re-encode, or null to keep the first encode. */
  bpp: number | null;
}

const even = (x: number) => 2 * Math.round(x / 2);
const CONDITIONS: Condition[] = [
  { name: 'as written (CRF 16)', filter: () => null, bpp: null },
  { name: `re-encode ${BPP_HIGH} bpp`, filter: () => null, bpp: BPP_HIGH },
  { name: `re-encode ${BPP_LOW} bpp`, filter: () => null, bpp: BPP_LOW },
  { name: `scale 0.8, ${BPP_HIGH} bpp`, filter: (w, h) => `scale=${even(w * 0.8)}:${even(h * 0.8)}`, bpp: BPP_HIGH },
  { name: `scale 1.25, ${BPP_HIGH} bpp`, filter: (w, h) => `scale=${even(w * 1.25)}:${even(h * 1.25)}`, bpp: BPP_HIGH },
  { name: `crop 3%, ${BPP_HIGH} bpp`, filter: (w, h) => cropFilter(w, h, [0.03, 0.02, 0.01, 0.03]), bpp: BPP_HIGH },
  { name: `crop 6% + scale 0.9, ${BPP_LOW} bpp`, filter: (w, h) => `${cropFilter(w, h, [0.06, 0.05, 0.02, 0.04])},scale=${even(w * 0.88 * 0.9)}:${even(h * 0.91 * 0.9)}`, bpp: BPP_LOW },
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

function transcode(input: string, output: string, filter: string | null, bpp: number, outW: number, outH: number): void {
  const kbps = Math.max(8, Math.round((bpp * outW * outH * FPS) / 1000));
  run('ffmpeg', ['-y', '-loglevel', 'error', '-i', input, ...(filter ? ['-vf', filter] : []), '-c:v', 'libx264', '-threads', '1',
    '-pix_fmt', 'yuv420p', '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${2 * kbps}k`, output]);
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

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function main(): void {
  const clips = arg('--clips', 60);
  const negatives = arg('--negatives', 120);
  const seed = arg('--seed', 1);
  const strength = arg('--strength', DEFAULT_STRENGTH);
  const adaptive = !process.argv.includes('--uniform');
  const dir = mkdtempSync(join(tmpdir(), 'tessera-wm-'));
  const started = performance.now();
  const byCondition = new Map<string, Tally>(CONDITIONS.map((c) => [c.name, { n: 0, detected: 0, payloadOk: 0 }]));
  const byFamily = new Map<Family, Tally>(FAMILIES.map((f) => [f, { n: 0, detected: 0, payloadOk: 0 }]));
  const psnrs: number[] = [];
  const psnrByFamily = new Map<Family, number[]>(FAMILIES.map((f) => [f, []]));
  const misses: string[] = [];
  try {
    for (let c = 0; c < clips; c++) {
      const family = FAMILIES[c % FAMILIES.length]!;
      const [w, h] = SIZES[c % SIZES.length]!;
      const clip: Clip = makeClip(family, w, h, FRAMES, seed * 100_003 + c);
      const payload = (Math.imul(seed * 7919 + c, 2654435761) >>> 0) ^ 0x5a5a5a5a;
      const marked = embedWatermarkFrames(clip.frames, w, h, payload >>> 0, { strength, adaptive });
      marked.forEach((f, i) => {
        const p = psnrRgb(clip.frames[i]!, f);
        psnrs.push(p);
        psnrByFamily.get(family)!.push(p);
      });
      const first = join(dir, 'marked.mp4');
      encode(marked, w, h, first, 16);
      for (const condition of CONDITIONS) {
        let path = first;
        if (condition.bpp !== null) {
          const [ow, oh] = outputSize(condition, w, h);
          path = join(dir, 'attacked.mp4');
          transcode(first, path, condition.filter(w, h), condition.bpp, ow, oh);
        }
        const video = decodeGray(path);
        const d = detectWatermarkInLuma(meanLumaOfGray(video.frames, video.width, video.height), video.width, video.height);
        for (const tally of [byCondition.get(condition.name)!, byFamily.get(family)!]) {
          tally.n++;
          if (d.detected) tally.detected++;
          if (d.payload === payload >>> 0) tally.payloadOk++;
        }
        if (!d.detected) misses.push(`${family} ${w}x${h} #${c}: ${condition.name} (logP ${d.logPValue.toFixed(1)})`);
      }
      process.stderr.write(`\rpositives ${c + 1}/${clips}`);
    }
    process.stderr.write('\n');
    const negativeScores: number[] = [];
    let falsePositives = 0;
    for (let c = 0; c < negatives; c++) {
      const family = FAMILIES[c % FAMILIES.length]!;
      const [w, h] = SIZES[(c + 1) % SIZES.length]!;
      const clip = makeClip(family, w, h, FRAMES, seed * 7_000_001 + c);
      const path = join(dir, 'plain.mp4');
      encode(clip.frames, w, h, path, 23);
      const video = decodeGray(path);
      const d = detectWatermarkInLuma(meanLumaOfGray(video.frames, video.width, video.height), video.width, video.height);
      negativeScores.push(d.logPValue);
      if (d.detected) falsePositives++;
      process.stderr.write(`\rnegatives ${c + 1}/${negatives}`);
    }
    process.stderr.write('\n');
    report({ clips, negatives, psnrs, psnrByFamily, strength, adaptive, byCondition, byFamily, falsePositives, negativeScores, misses, seconds: (performance.now() - started) / 1000 });
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
  byCondition: Map<string, Tally>;
  byFamily: Map<Family, Tally>;
  falsePositives: number;
  negativeScores: number[];
  misses: string[];
  seconds: number;
}

function report(r: Results): void {
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
  const mean = r.psnrs.reduce((a, b) => a + b, 0) / r.psnrs.length;
  const weakestNegative = Math.max(...r.negativeScores);
  const strongestNegative = Math.min(...r.negativeScores);
  console.log(`\nwatermark strength ${r.strength} (RMS luma levels)${r.adaptive ? ' with perceptual masking' : ''}; ${r.clips} marked clips, ${r.negatives} unmarked clips, ${r.seconds.toFixed(0)} s`);
  if (r.clips > 0) printPositives(r, mean);
  console.log(`\nfalse positives on unmarked clips: ${r.falsePositives}/${r.negatives} (${pct(r.falsePositives, r.negatives)}); ` +
    `smallest corrected p-value seen on them: e^${strongestNegative.toFixed(2)} (threshold 1e-4 = e^-9.21); median e^${median(r.negativeScores).toFixed(2)}`);
  if (r.misses.length > 0) console.log(`\nmisses:\n  ${r.misses.join('\n  ')}`);
  const out = fileURLToPath(new URL(r.clips > 0 ? './watermark-eval.results.json' : './watermark-eval.negatives.json', import.meta.url));
  writeFileSync(out, `${JSON.stringify({
    strength: r.strength, adaptive: r.adaptive, clips: r.clips,
    psnrByFamily: Object.fromEntries([...r.psnrByFamily].map(([f, p]) => [f, { mean: p.reduce((a, b) => a + b, 0) / p.length, min: Math.min(...p) }])), negatives: r.negatives, psnrMean: mean, psnrMin: Math.min(...r.psnrs),
    conditions: Object.fromEntries(r.byCondition), families: Object.fromEntries(r.byFamily),
    falsePositives: r.falsePositives, negativeLogPMin: strongestNegative, negativeLogPMax: weakestNegative, misses: r.misses,
  }, null, 2)}\n`);
  console.log(`\nfigures written to ${out}`);
}

function printPositives(r: Results, mean: number): void {
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
  console.log(`PSNR of marked frames: mean ${mean.toFixed(2)} dB, min ${Math.min(...r.psnrs).toFixed(2)} dB\n`);
  console.log('| condition | detected | payload read |');
  console.log('|---|---|---|');
  for (const [name, t] of r.byCondition) console.log(`| ${name} | ${pct(t.detected, t.n)} (${t.detected}/${t.n}) | ${pct(t.payloadOk, t.n)} |`);
  const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  console.log('\n| family | detected (all conditions) | payload read | PSNR mean | PSNR min |');
  console.log('|---|---|---|---|---|');
  for (const [name, t] of r.byFamily) {
    const p = r.psnrByFamily.get(name)!;
    console.log(`| ${name} | ${pct(t.detected, t.n)} | ${pct(t.payloadOk, t.n)} | ${avg(p).toFixed(2)} dB | ${Math.min(...p).toFixed(2)} dB |`);
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

main();
