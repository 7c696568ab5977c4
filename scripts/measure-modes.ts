/**
 * Measures every conditioned mode on a pack (onnxruntime-node) and prints the figures quoted in
 * docs/capabilities.md: autoencoder reconstruction PSNR, image-to-video first-frame PSNR, overlap
 * PSNR and seam change of extensions and connections, loop seams (tie vs roll vs a plain clip), and
 * video-to-video distance to the source by strength. Sources are rendered world scenes.
 * Usage: npx tsx scripts/measure-modes.ts [packDir] [steps]
 */
import { readManifestFile } from '../src/runtime/nodePack';
import { createNodeRunner } from '../src/runtime/nodeRunner';
import { generateVideo, type GenerationMode } from '../src/pipeline/videoModes';
import { meanAbsDiff, meanPsnr, psnr } from '../test/fixtures/frameMetrics';
import { worldClip, type WorldScene } from '../test/fixtures/worldClip';

const dir = process.argv[2] ?? 'public/models/tessera-tiny';
const steps = Number(process.argv[3] ?? 20);
const manifest = await readManifestFile(dir);
const runner = await createNodeRunner(dir, manifest, { threads: 1 });
const { width, height } = manifest.video.sizes['16:9']!;
const f = (x: number) => x.toFixed(2);
const run = (mode: GenerationMode, frames: number, prompt: string, seed: number, warmStart = 1) => generateVideo(runner, manifest, { prompt, seed, steps, aspect: '16:9', frames, mode, warmStart });
const diffs = (frames: readonly Uint8ClampedArray[]) => frames.slice(1).map((x, i) => meanAbsDiff(frames[i]!, x));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const scenes: [WorldScene, string][] = [
  [{ colour: 'red', shape: 'circle', background: 'blue', direction: [1, 0] }, 'a red circle moving right on a blue background'],
  [{ colour: 'yellow', shape: 'square', background: 'purple', direction: [0, 1], start: [0.5, 0.3] }, 'a yellow square moving down on a purple background'],
  [{ colour: 'white', shape: 'circle', background: 'green', direction: [-1, 0], start: [0.7, 0.5] }, 'a white circle moving left on a green background'],
];
const seeds = [1, 2];
console.log(`pack ${dir}, ${steps} steps, 16:9, sources: ${scenes.length} world scenes × seeds ${seeds.join(', ')}`);

const rows: Record<string, number[]> = {};
const add = (key: string, value: number) => (rows[key] ??= []).push(value);
for (const [scene, prompt] of scenes) {
  const source = worldClip(scene, width, height, 17);
  const recon = await run({ kind: 'video-to-video', clip: source, strength: 0 }, 17, prompt, 1);
  add('reconstruction PSNR, 17 frames (dB)', meanPsnr(recon.frames, source.frames));
  add('reconstruction PSNR, first frame alone (dB)', psnr((await run({ kind: 'video-to-video', clip: { width, height, frames: [source.frames[0]!] }, strength: 0 }, 1, prompt, 1)).frames[0]!, source.frames[0]!));
  add('source clip frame-to-frame change (mean abs, 0-255)', mean(diffs(source.frames)));
  for (const seed of seeds) {
    const i2v = await run({ kind: 'image-to-video', image: { width, height, frames: [source.frames[0]!] } }, 17, prompt, seed);
    add('image-to-video first frame PSNR (dB)', psnr(i2v.frames[0]!, source.frames[0]!));
    add('image-to-video frame-to-frame change', mean(diffs(i2v.frames)));
    for (const warm of [0.9, 0.8]) {
      const w = await run({ kind: 'extend', clip: source, direction: 'forward' }, 17, prompt, seed, warm);
      add(`extend forward, warm start ${warm}: seam`, meanAbsDiff(w.frames[16]!, w.frames[17]!));
      add(`extend forward, warm start ${warm}: new frames frame-to-frame (median)`, median(diffs(w.frames.slice(17))));
    }
    const fwd = await run({ kind: 'extend', clip: source, direction: 'forward' }, 17, prompt, seed);
    add('extend forward overlap PSNR (dB)', meanPsnr(fwd.sampledFrames.slice(0, 9), source.frames.slice(8)));
    add('extend forward seam (last original → first new)', meanAbsDiff(fwd.frames[16]!, fwd.frames[17]!));
    add('extend forward new frames frame-to-frame (median)', median(diffs(fwd.frames.slice(17))));
    const back = await run({ kind: 'extend', clip: source, direction: 'backward' }, 17, prompt, seed);
    const n = back.frames.length;
    add('extend backward overlap PSNR (dB)', meanPsnr(back.sampledFrames.slice(9), source.frames.slice(0, 8)));
    add('extend backward seam (last new → first original)', meanAbsDiff(back.frames[n - 18]!, back.frames[n - 17]!));
    add('extend backward new frames frame-to-frame (median)', median(diffs(back.frames.slice(0, n - 17))));
    for (const strength of [0.3, 0.6, 0.9]) {
      const v = await run({ kind: 'video-to-video', clip: source, strength }, 17, 'a green square moving left on a white background', seed);
      add(`video-to-video strength ${strength}: PSNR to source (dB)`, meanPsnr(v.frames, source.frames));
    }
  }
}
const [a, b] = [worldClip(scenes[0]![0], width, height, 17), worldClip(scenes[1]![0], width, height, 17)];
for (const seed of seeds) {
  const c = await run({ kind: 'connect', first: a, second: b }, 25, 'a yellow square moving down on a purple background', seed);
  const s = c.sampledFrames;
  add('connect start overlap PSNR vs A (dB)', meanPsnr(s.slice(0, 9), a.frames.slice(8)));
  add('connect end overlap PSNR vs B (dB)', meanPsnr(s.slice(s.length - 8), b.frames.slice(0, 8)));
  add('connect seams (A → new, new → B)', (meanAbsDiff(c.frames[16]!, c.frames[17]!) + meanAbsDiff(c.frames[c.frames.length - 18]!, c.frames[c.frames.length - 17]!)) / 2);
  add('connect new frames frame-to-frame (median)', median(diffs(c.frames.slice(17, c.frames.length - 17))));
}
const loopPrompts = [...scenes.map(([, p]) => p), 'a yellow square staying still on a purple background', 'the camera pans left over green hills and black trees under a blue sky'];
for (const method of ['tie', 'roll', 'plain'] as const) {
  let within = 0;
  let total = 0;
  for (const prompt of loopPrompts) {
    for (const seed of seeds) {
      const v = await run(method === 'plain' ? { kind: 'text' } : { kind: 'loop', method }, 33, prompt, seed);
      const frames = method === 'plain' ? v.frames.slice(1, 29) : v.frames;
      const d = diffs(frames);
      const seam = meanAbsDiff(frames[frames.length - 1]!, frames[0]!);
      add(`loop ${method}: seam (last → first)`, seam);
      add(`loop ${method}: frame-to-frame median`, median(d));
      add(`loop ${method}: seam / median`, seam / median(d));
      within += seam <= [...d].sort((x, y) => x - y)[Math.floor(d.length * 0.9)]! ? 1 : 0;
      total++;
    }
  }
  console.log(`loop ${method}: seam within the clip's 90th-percentile step in ${within}/${total}`);
}
for (const [key, values] of Object.entries(rows)) console.log(`${key}: mean ${f(mean(values))} (min ${f(Math.min(...values))}, max ${f(Math.max(...values))}, n=${values.length})`);
await runner.release();
