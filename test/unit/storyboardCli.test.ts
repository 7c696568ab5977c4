/**
 * `npm run generate -- --storyboard` on tessera-tiny (public/models/tessera-tiny, onnxruntime-node),
 * checked on the files it writes. Images and clips are scenes of the training world (worldClip.ts).
 *
 * Thresholds: a keyframe is pinned as a still latent group, so its frame decodes to the autoencoder's
 * reconstruction of the image: its PSNR against the image must equal the reconstruction's within
 * Y4M_TOLERANCE (the .y4m's BT.601 round trip; measured under 0.01 dB), and the reconstruction must clear
 * the 20 dB floor of videoModes.pack.test.ts. The seam bound is 1: a seam no more abrupt than the
 * story's own group-to-group steps (storyboardSeams.ts). The three-card board measured 0.34× (seed 1);
 * the text-then-text board (seed 42), whose seam is cut where the story's and the extension's
 * renderings of the resampled group meet best (overlapCut.ts), 0.49× (1.28× with the cut at the
 * group's start; over seeds 1–10 and 42 0.33–0.91×, before 0.77–2.29×: docs/storyboard.md).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createArchitecture } from '../../src/architectures/registry';
import { decodeY4m } from '../../src/input/y4mDecoder';
import { resolveSize } from '../../src/pipeline/latents';
import { generateVideo } from '../../src/pipeline/videoModes';
import { readManifestFile } from '../../src/runtime/nodePack';
import { createNodeRunner } from '../../src/runtime/nodeRunner';
import { packCapabilities } from '../../src/storyboard/packCapabilities';
import { storyboardFromRecord } from '../../src/storyboard/storyboardMetadata';
import { planStoryboard } from '../../src/storyboard/storyboardPlanner';
import { parseStoryboard } from '../../src/storyboard/storyboardValidator';
import { runCheck } from '../../cli/check';
import { encodePng } from '../../cli/png';
import { readMedia } from '../../cli/readMedia';
import { runStoryboardCli } from '../../cli/storyboard';
import { encodeY4m } from '../../cli/y4m';
import { psnr } from '../fixtures/frameMetrics';
import { scratchDir } from '../fixtures/generateCli';
import { TESSERA_TINY_DIR } from '../fixtures/packDirs';
import { worldClip } from '../fixtures/worldClip';

const dir = scratchDir('tessera-storyboard-cli-');
const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
const SIZE = { width: 56, height: 32 };
const RECONSTRUCTION_FLOOR = 20;
const Y4M_TOLERANCE = 0.3;
const SEAM_BOUND = 1;
const DOWN = 'a yellow square moving down on a blue background';

/** The e2e board: text, a keyframe image, text. */
const THREE_CARDS = { aspect: '16:9', seed: 1, steps: 10, cards: [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'image', file: 'key.png' }, { type: 'text', prompt: DOWN, seconds: 2 }] };
/** Text then text with a new prompt: an extension that resamples the story's last group. */
const NEW_PROMPT = { aspect: '16:9', seed: 42, steps: 10, cards: [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'text', prompt: 'a yellow square moving right on a blue background', seconds: 2 }] };
/** The minimal form. */
const MINIMAL = {
  aspect: '16:9',
  seed: 42,
  cards: [
    { type: 'text', prompt: DOWN, seconds: 2 },
    { type: 'image', file: 'key.png' },
    { type: 'clip', file: 'intro.y4m' },
    { type: 'text', prompt: 'a yellow square moving right on a blue background', seconds: 2 },
  ],
};

/** The storyboard CLI on tessera-tiny (the pack its thresholds were measured on) unless argv names a --model. */
async function runStoryboard(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const pinned = argv.includes('--model') ? argv : [...argv, '--model', TESSERA_TINY_DIR];
  const status = await runStoryboardCli(pinned, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { status, stdout, stderr };
}

function writeBoard(name: string, board: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(board));
  return path;
}

/** The seam figure the CLI prints: "seams: mean M vs group-to-group step G (R×, worst W×)". */
function seamFigure(line: string): { ratio: number; worst: number } {
  const match = /seams: mean [\d.]+ vs group-to-group step [\d.]+ \(([\d.]+)×, worst ([\d.]+)×\)/.exec(line);
  expect(match, line).not.toBeNull();
  return { ratio: Number(match![1]), worst: Number(match![2]) };
}

beforeAll(() => {
  const key = worldClip({ colour: 'yellow', shape: 'square', background: 'blue', direction: [0, 1], start: [0.5, 0.5] }, SIZE.width, SIZE.height, 1).frames[0]!;
  writeFileSync(join(dir, 'key.png'), encodePng(SIZE.width, SIZE.height, key));
  writeFileSync(join(dir, 'intro.y4m'), encodeY4m(worldClip({ colour: 'yellow', shape: 'square', background: 'blue', direction: [0, 1] }, SIZE.width, SIZE.height, 17), 8));
});

describe('npm run generate -- --storyboard on tessera-tiny', () => {
  it('renders text, keyframe, text to .y4m: the planned length, the keyframe as the autoencoder reconstructs the image, seams within the bound', async () => {
    const boardPath = writeBoard('three.json', THREE_CARDS);
    const out = join(dir, 'three.y4m');
    const result = await runStoryboard('--storyboard', boardPath, '--out', out, '--scale', '1');
    expect(result.status, result.stderr.join('\n')).toBe(0);
    console.info(result.stdout[0]);

    const manifest = await readManifestFile(TESSERA_TINY_DIR);
    const plan = planStoryboard(parseStoryboard(THREE_CARDS), packCapabilities(manifest));
    const video = decodeY4m(readFileSync(out));
    expect(video.frameCount).toBe(plan.totalFrames);
    // 4 s at 8 fps is 33 frames (the last one included); the keyframe lands at a latent group's edge, within half a group.
    expect(Math.abs(plan.totalFrames - 33)).toBeLessThanOrEqual(2);

    // The keyframe frame against the image as the pipeline read it, and against the autoencoder's reconstruction of it.
    const image = (await readMedia(join(dir, 'key.png'), 8, () => resolveSize(manifest.video, '16:9'))).frames[0]!;
    const runner = await createNodeRunner(TESSERA_TINY_DIR, manifest, { threads: 1 });
    try {
      const still = { ...SIZE, frames: Array.from({ length: 9 }, () => image) };
      const reconstruction = await generateVideo(createArchitecture(manifest, runner), manifest, { prompt: DOWN, seed: 1, aspect: '16:9', frames: 9, mode: { kind: 'video-to-video', clip: still, strength: 0 } });
      const reconstructionPsnr = psnr(reconstruction.frames[1]!, image); // frame 1 starts a still group, as the keyframe does
      const keyframePsnr = psnr(await video.frame(plan.keyframes[0]!.frame), image);
      console.info(`keyframe at frame ${plan.keyframes[0]!.frame}: ${keyframePsnr.toFixed(2)} dB to the image; the autoencoder's reconstruction ${reconstructionPsnr.toFixed(2)} dB`);
      expect(reconstructionPsnr).toBeGreaterThan(RECONSTRUCTION_FLOOR);
      expect(Math.abs(keyframePsnr - reconstructionPsnr)).toBeLessThan(Y4M_TOLERANCE);
    } finally {
      await runner.release();
    }
    expect(seamFigure(result.stdout[0]!).ratio).toBeLessThanOrEqual(SEAM_BOUND);
  }, 300_000);

  it('renders text then text with a new prompt to .y4m: the planned length, every seam within the bound', async () => {
    const boardPath = writeBoard('new-prompt.json', NEW_PROMPT);
    const out = join(dir, 'new-prompt.y4m');
    const result = await runStoryboard('--storyboard', boardPath, '--out', out, '--scale', '1');
    expect(result.status, result.stderr.join('\n')).toBe(0);
    console.info(`text then text: ${result.stdout[0]}`);
    const plan = planStoryboard(parseStoryboard(NEW_PROMPT), packCapabilities(await readManifestFile(TESSERA_TINY_DIR)));
    expect(plan.segments.map((s) => s.resamples ?? 0)).toEqual([0, 4]);
    expect(decodeY4m(readFileSync(out)).frameCount).toBe(plan.totalFrames);
    expect(seamFigure(result.stdout[0]!).worst).toBeLessThanOrEqual(SEAM_BOUND);
  }, 300_000);

  it.skipIf(!hasFfmpeg)('renders the issue’s minimal board to .mp4 of the planned length with its mean seam within the bound, whose metadata carries the board as rendered', async () => {
    const boardPath = writeBoard('minimal.json', MINIMAL);
    const out = join(dir, 'story.mp4');
    const result = await runStoryboard('--storyboard', boardPath, '--out', out, '--steps', '4');
    expect(result.status, result.stderr.join('\n')).toBe(0);
    console.info(`minimal board: ${result.stdout[0]}`);
    // Segments at the clip start warm (renderStoryboard.ts CLIP_JOIN_WARM_START): 0.76× (worst 1.19×) here,
    // 1.60× (worst 2.31×) at the pipeline's default warm start. The worst seam, into the clip, stays
    // above 1 on most seeds (docs/storyboard.md), so only the mean is held to the bound.
    expect(seamFigure(result.stdout[0]!).ratio).toBeLessThanOrEqual(SEAM_BOUND);
    const plan = planStoryboard(parseStoryboard(MINIMAL), packCapabilities(await readManifestFile(TESSERA_TINY_DIR)), new Map([['intro.y4m', 17]]));
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', out], { encoding: 'utf8' });
    expect(Number(probe.stdout.trim())).toBe(plan.totalFrames);
    const checked: string[] = [];
    expect(await runCheck([out], { stdout: (line) => checked.push(line), stderr: () => undefined })).toBe(0);
    const { watermark, metadata } = JSON.parse(checked[0]!) as { watermark: boolean; metadata: unknown };
    expect(watermark).toBe(true);
    // The board as rendered: with the --steps it was rendered with, so rendering it again gives these frames.
    expect(storyboardFromRecord(metadata)).toEqual(parseStoryboard({ ...MINIMAL, steps: 4 }));
  }, 300_000);

  it('refuses a broken board with its file and JSON path (exit 2), a refused prompt with status 3, and no storyboard flag mixes with --prompt', async () => {
    const broken = writeBoard('broken.json', { ...MINIMAL, cards: [{ type: 'text', prompt: DOWN, seconds: -1 }] });
    const a = await runStoryboard('--storyboard', broken, '--out', join(dir, 'x.y4m'));
    expect(a.status).toBe(2);
    expect(a.stderr).toEqual([`error: ${broken}: cards[0].seconds: -1 is out of range; give a number above 0 and at most 120`]);
    const missing = writeBoard('missing.json', { ...MINIMAL, cards: [MINIMAL.cards[0], { type: 'clip', file: 'nowhere.y4m' }] });
    const b = await runStoryboard('--storyboard', missing, '--out', join(dir, 'x.y4m'));
    expect(b.status).toBe(2);
    expect(b.stderr[0]).toMatch(/nowhere\.y4m.*no such file/);
    const c = await runStoryboard('--storyboard', broken, '--prompt', DOWN, '--out', join(dir, 'x.y4m'));
    expect(c.status).toBe(2);
    expect(c.stderr[0]).toMatch(/--prompt.*the board holds the prompts/);
    // What the pack's architecture cannot read at all is refused with the card's path, before any graph runs.
    const unreadable = writeBoard('unreadable.json', { ...MINIMAL, cards: [{ type: 'text', prompt: '\u0000 !!', seconds: 2 }] });
    const d = await runStoryboard('--storyboard', unreadable, '--out', join(dir, 'x.y4m'));
    expect(d.status).toBe(2);
    expect(d.stderr[0]).toMatch(/cards\[0\]\.prompt: /);
  });

  it('writes frames at the size a single clip of the pack has without --scale: ×4 for tessera-tiny, ×1 for the pack that decodes at 4× (its keyframe and clip joined at that size)', async () => {
    const board = writeBoard('short.json', { ...MINIMAL, steps: 1 });
    for (const model of [TESSERA_TINY_DIR, 'public/models/tessera-tiny-2']) {
      const out = join(dir, 'short.y4m');
      const result = await runStoryboard('--storyboard', board, '--out', out, '--model', model);
      expect(result.status, result.stderr.join('\n')).toBe(0);
      const video = decodeY4m(readFileSync(out));
      expect([video.width, video.height], model).toEqual([SIZE.width * 4, SIZE.height * 4]);
      expect(video.frameCount, model).toBe(planStoryboard(parseStoryboard(MINIMAL), packCapabilities(await readManifestFile(model)), new Map([['intro.y4m', 17]])).totalFrames);
    }
  }, 120_000);
});
