/**
 * Measures every conditioned mode on the real pack (onnxruntime-node) and prints the figures the
 * tests' thresholds rest on: autoencoder reconstruction PSNR, image-to-video first-frame PSNR,
 * extension and connection overlap PSNR, loop seam vs frame-to-frame change, SDEdit distance.
 * Usage: npx tsx scripts/measure-modes.ts [packDir] [steps]
 */
import { readManifestFile } from '../src/runtime/nodePack';
import { createNodeRunner } from '../src/runtime/nodeRunner';
import { generateVideo, type GenerationMode } from '../src/pipeline/videoModes';
import { fitClip } from '../src/pipeline/fitFrames';
import { meanAbsDiff, meanPsnr, meanStepDiff, psnr } from '../test/fixtures/frameMetrics';
import { worldClip } from '../test/fixtures/worldClip';

const dir = process.argv[2] ?? 'public/models/tessera-tiny';
const steps = Number(process.argv[3] ?? 8);
const manifest = await readManifestFile(dir);
const runner = await createNodeRunner(dir, manifest, { threads: 1 });
const { width, height } = manifest.video.sizes['16:9']!;
const prompt = 'a red circle moving right on a blue background';
const source = worldClip({ colour: 'red', shape: 'circle', background: 'blue', direction: [1, 0] }, width, height, 33);
const other = worldClip({ colour: 'yellow', shape: 'square', background: 'purple', direction: [0, 1], start: [0.6, 0.3] }, width, height, 17);
const run = (mode: GenerationMode, frames: number, seed = 3, p = prompt) =>
  generateVideo(runner, manifest, { prompt: p, seed, steps, aspect: '16:9', frames, mode });
const fmt = (x: number) => x.toFixed(2);

// Reconstruction: encode + decode through video-to-video at strength 0.
const recon = await run({ kind: 'video-to-video', clip: source, strength: 0 }, 33);
console.log(`reconstruction PSNR (33 frames): mean ${fmt(meanPsnr(recon.frames, source.frames.slice(0, 33)))} dB, frame 0 ${fmt(psnr(recon.frames[0]!, source.frames[0]!))} dB`);

const i2v = await run({ kind: 'image-to-video', image: { width, height, frames: [source.frames[0]!] } }, 17);
console.log(`image-to-video first frame PSNR: ${fmt(psnr(i2v.frames[0]!, source.frames[0]!))} dB; later frames vs image: ${fmt(psnr(i2v.frames[8]!, source.frames[0]!))} dB`);

const clip17 = { width, height, frames: source.frames.slice(0, 17) };
for (const direction of ['forward', 'backward'] as const) {
  const ext = await run({ kind: 'extend', clip: clip17, direction }, 17);
  const overlap = ext.sampledFrames.slice(direction === 'forward' ? 0 : ext.sampledFrames.length - 8, direction === 'forward' ? 9 : undefined);
  const original = direction === 'forward' ? clip17.frames.slice(17 - 9) : clip17.frames.slice(0, 8);
  const seamA = direction === 'forward' ? ext.frames[16]! : ext.frames[ext.frames.length - 18]!;
  const seamB = direction === 'forward' ? ext.frames[17]! : ext.frames[ext.frames.length - 17]!;
  console.log(`extend ${direction}: ${ext.frames.length} frames, overlap PSNR ${fmt(meanPsnr(overlap, original))} dB, seam diff ${fmt(meanAbsDiff(seamA, seamB))}, step diff ${fmt(meanStepDiff(ext.frames))}`);
}

for (const seed of [3, 4, 5]) {
  const loop = await run({ kind: 'loop' }, 33, seed);
  const seam = meanAbsDiff(loop.frames[loop.frames.length - 1]!, loop.frames[0]!);
  const plain = await run({ kind: 'text' }, 33, seed);
  console.log(`loop seed ${seed}: ${loop.frames.length} frames, seam ${fmt(seam)}, mean step ${fmt(meanStepDiff(loop.frames))}; plain clip last→first ${fmt(meanAbsDiff(plain.frames[32]!, plain.frames[0]!))}`);
}

const a = clip17;
const b = other;
const conn = await run({ kind: 'connect', first: a, second: b }, 17, 3, 'a yellow square moving down on a purple background');
const n = conn.sampledFrames.length;
console.log(`connect: ${conn.frames.length} frames, start PSNR ${fmt(meanPsnr(conn.sampledFrames.slice(0, 5), a.frames.slice(12)))} dB, end PSNR ${fmt(meanPsnr(conn.sampledFrames.slice(n - 4), b.frames.slice(0, 4)))} dB`);

for (const strength of [0.3, 0.6, 0.9]) {
  const v2v = await run({ kind: 'video-to-video', clip: clip17, strength }, 17, 3, 'a green square moving left on a white background');
  console.log(`video-to-video strength ${strength}: PSNR to source ${fmt(meanPsnr(v2v.frames, clip17.frames))} dB`);
}
void fitClip;
await runner.release();
