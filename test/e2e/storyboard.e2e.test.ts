/**
 * The storyboard in real Chromium: a three-card board (text, keyframe image, text) built through the
 * UI, reordered with the keyboard, rendered into one MP4 of the planned length; its keyframe frame
 * matches the image within the autoencoder's reconstruction error, its seams are no more abrupt than
 * the story's own frame-to-frame change, its metadata restores the same board in a fresh page, and
 * re-rendering that board with the same seed gives the same frames. Every render is a queue job of
 * kind 'storyboard': the queue panel shows its segment and step, Cancel there and on the page stop it,
 * and a render cut by a reload starts again from its beginning, its uploaded keyframe stored with it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createArchitecture } from '../../src/architectures/registry';
import { generateVideo } from '../../src/pipeline/videoModes';
import { createNodeRunner } from '../../src/runtime/nodeRunner';
import { renderStoryboard, type RenderedStory } from '../../src/storyboard/renderStoryboard';
import { measureSeams } from '../../src/storyboard/storyboardSeams';
import type { Storyboard } from '../../src/storyboard/storyboardTypes';
import { encodePng } from '../../cli/png';
import { fitClip, type RgbaClip } from '../../src/pipeline/fitFrames';
import { readManifestFile } from '../../src/runtime/nodePack';
import { packCapabilities } from '../../src/storyboard/packCapabilities';
import { planStoryboard } from '../../src/storyboard/storyboardPlanner';
import { parseStoryboard } from '../../src/storyboard/storyboardValidator';
import type { StoryPlan } from '../../src/storyboard/storyboardPlan';
import { mse, psnr } from '../fixtures/frameMetrics';
import { worldClip } from '../fixtures/worldClip';
import { compareBytes, download, ffprobe, lastRawFrames, openApp, rgbaToRgb, rgbToRgbaFrames, waitForNewResult } from './app';
import { useAppSession } from './appSession';
import { nodeVideo } from './nodePipeline';
import { TESSERA_TINY_DIR } from '../fixtures/packDirs';

/** Pinned to tessera-tiny, in the page and in Node: the sizes and thresholds below were measured on its 32-pixel frames. */
const TINY_APP = { backend: 'wasm', pack: 'tessera-tiny' } as const;
const nodeTiny = (request: Parameters<typeof nodeVideo>[0]) => nodeVideo(request, TESSERA_TINY_DIR);

const FIRST = 'a red circle moving right on a blue background';
const SECOND = 'a red circle moving up on a blue background';
/** The example seed. The seam's figures over seeds 1–10 and 42 are in docs/storyboard.md ("The seam figure"). */
const SEED = 42;
const STEPS = 2;
const WIDTH = 56;
const HEIGHT = 32;
/** The autoencoder's reconstruction floor the mode tests use (test/unit/videoModes.pack.test.ts). */
const RECONSTRUCTION_FLOOR = 20;
/**
 * A keyframe stands in the story as a latent group decoded among sampled neighbours; its error to
 * the image may exceed the plain reconstruction's (frame 0 of image-to-video) by this factor in MSE.
 */
const KEYFRAME_MSE_FACTOR = 2;

/** Backends differ by float rounding only (see generate.e2e.test.ts). */
const MAX_LEVELS = 2;

/** The same board rendered by the shared executor on onnxruntime-node, as `npm run generate -- --storyboard` does. */
async function nodeStory(board: Storyboard, plan: StoryPlan, media: ReadonlyMap<string, RgbaClip>): Promise<RenderedStory> {
  const manifest = await readManifestFile(TESSERA_TINY_DIR);
  const runner = await createNodeRunner(TESSERA_TINY_DIR, manifest, { threads: 1 });
  try {
    const architecture = createArchitecture(manifest, runner);
    return await renderStoryboard(board, plan, media, ({ segment: _segment, ...request }, signal) => generateVideo(architecture, manifest, request, { signal }));
  } finally {
    await runner.release();
  }
}

/** Cards of the timeline in order: their accessible names and their prompts ('' for a keyframe). */
async function cardOrder(page: Page): Promise<{ name: string; prompt: string }[]> {
  return page.locator('ol[aria-label="Timeline"] > li').evaluateAll((items) =>
    items.map((item) => ({ name: item.getAttribute('aria-label') ?? '', prompt: (item.querySelector('textarea') as HTMLTextAreaElement | null)?.value ?? '' })),
  );
}

/** The board as the app exports it (Export JSON), parsed. */
async function exportedBoard(page: Page, dir: string, name: string): Promise<unknown> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Export JSON' }).click()]);
  const path = join(dir, name);
  await file.saveAs(path);
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The queue panel's row of the storyboard job in `status` (the one row of that kind and status). */
function storyboardJob(page: Page, status: string) {
  return page.locator(`.queue-job[data-kind="storyboard"][data-status="${status}"]`);
}

/** Opens the storyboard and fills the board settings. */
async function openStoryboard(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Storyboard', exact: true }).click();
  await page.getByRole('spinbutton', { name: 'Seed' }).fill(String(SEED));
  await page.getByRole('spinbutton', { name: 'Steps per segment' }).fill(String(STEPS));
}

describe('storyboard in the browser', () => {
  const app = useAppSession();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-storyboard-e2e-'));
  // A world frame at 4× the model size: the upload is fitted like any picture would be.
  const large = worldClip({ colour: 'red', shape: 'circle', background: 'blue', direction: [1, 0], start: [0.7, 0.5] }, WIDTH * 4, HEIGHT * 4, 1);
  const keyImage = join(dir, 'key.png');
  let board: Storyboard;
  let plan: StoryPlan;
  let firstFrames: Uint8Array;
  let exported: unknown;
  /** The same board rendered on onnxruntime-node: what each step of the story is, for the seam measure. */
  let node: RenderedStory;
  const mp4 = join(dir, 'story.mp4');

  beforeAll(async () => {
    writeFileSync(keyImage, encodePng(WIDTH * 4, HEIGHT * 4, large.frames[0]!));
    board = parseStoryboard({
      aspect: '16:9',
      seed: SEED,
      steps: STEPS,
      cards: [
        { type: 'text', prompt: FIRST, seconds: 2 },
        { type: 'image', file: 'key.png' },
        { type: 'text', prompt: SECOND, seconds: 2 },
      ],
    });
    plan = planStoryboard(board, packCapabilities(await readManifestFile(TESSERA_TINY_DIR)));
    expect(plan.problems).toEqual([]);
  });

  it('builds a three-card board, reorders it with the keyboard, and renders one MP4 of the planned length', async () => {
    const { page, errors } = await openApp(app.browser, app.url, TINY_APP);
    await openStoryboard(page);
    await page.getByRole('button', { name: '+ Text' }).click();
    await page.getByRole('listitem', { name: 'Card 1, text' }).getByLabel('Prompt').fill(FIRST);
    await page.getByRole('button', { name: '+ Keyframe image' }).click();
    await page.getByRole('listitem', { name: 'Card 2, image' }).getByLabel('Image', { exact: true }).setInputFiles(keyImage);
    await page.getByRole('button', { name: '+ Text' }).click();
    await page.getByRole('listitem', { name: 'Card 3, text' }).getByLabel('Prompt').fill(SECOND);
    const asBuilt = [
      { name: 'Card 1, text', prompt: FIRST },
      { name: 'Card 2, image', prompt: '' },
      { name: 'Card 3, text', prompt: SECOND },
    ];
    expect(await cardOrder(page)).toEqual(asBuilt);
    expect(await page.getByTestId('story-total').textContent()).toBe('4 s');

    // Keyboard: Alt+← moves the focused card earlier and it keeps focus; Alt+→ moves it back.
    await page.getByRole('listitem', { name: 'Card 3, text' }).focus();
    await page.keyboard.press('Alt+ArrowLeft');
    expect(await cardOrder(page)).toEqual([asBuilt[0], { name: 'Card 2, text', prompt: SECOND }, { name: 'Card 3, image', prompt: '' }]);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Card 2, text');
    expect(await page.getByRole('status').filter({ hasText: 'moved to position' }).textContent()).toBe('Text card moved to position 2 of 3.');
    await page.keyboard.press('Alt+ArrowRight');
    expect(await cardOrder(page)).toEqual(asBuilt);
    // The buttons do the same for pointer users.
    await page.getByRole('button', { name: 'Move card 1 later' }).click();
    expect((await cardOrder(page)).map((card) => card.name)).toEqual(['Card 1, image', 'Card 2, text', 'Card 3, text']);
    await page.getByRole('button', { name: 'Move card 2 earlier' }).click();
    expect(await cardOrder(page)).toEqual(asBuilt);
    // And dragging a card by its head onto another's place.
    const head = { sourcePosition: { x: 12, y: 12 }, targetPosition: { x: 12, y: 12 } };
    await page.getByRole('listitem', { name: 'Card 3, text' }).dragTo(page.getByRole('listitem', { name: 'Card 1, text' }), head);
    expect((await cardOrder(page)).map((card) => card.prompt)).toEqual([SECOND, FIRST, '']);
    await page.getByRole('listitem', { name: 'Card 1, text' }).dragTo(page.getByRole('listitem', { name: 'Card 3, image' }), head);
    expect(await cardOrder(page)).toEqual(asBuilt);
    expect(await page.getByTestId('story-rendered').textContent()).toBe(`${plan.totalFrames / 8} s`);

    // A keyframe asked for after the board's end: the card is marked with the planner's reason, Render waits.
    const keyCard = page.getByRole('listitem', { name: 'Card 2, image' });
    await keyCard.getByLabel('Keyframe at').selectOption({ label: 'At a time' });
    await keyCard.getByLabel('Time (seconds)').fill('10');
    await expect.poll(() => keyCard.getByRole('note').textContent()).toMatch(/10 s is after the board's end/);
    expect(await keyCard.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Render storyboard' }).isDisabled()).toBe(true);
    await keyCard.getByLabel('Keyframe at').selectOption({ label: 'Where it stands' });
    expect(await keyCard.getByRole('note').count()).toBe(0);

    // Cancel mid-render: the board is editable at once and the engine takes the next render.
    await page.getByRole('spinbutton', { name: 'Steps per segment' }).fill('20');
    await page.getByRole('button', { name: 'Render storyboard' }).click();
    await page.getByTestId('story-progress').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('story-progress').textContent()).toMatch(/^Segment 1 of 2 \(leads into the keyframe: a red circle moving right/);
    // The render is the queue's running job, shown by segment and step.
    const rendering = storyboardJob(page, 'running');
    expect(await rendering.locator('.queue-job-prompt').textContent()).toBe(`${FIRST} → ${SECOND}`);
    // The step total is the board's 20 until the first step reports what the segment runs (an extension starts late, so fewer)
    expect(await rendering.getByTestId('queue-job-status').textContent()).toMatch(/^Running · segment 1 of 2 · step \d+ of \d+/);
    expect(await rendering.locator('.hint').first().textContent()).toContain(`16:9 · ${plan.totalFrames} frames · 20 steps a segment · storyboard`);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    expect(await page.getByTestId('story-progress').count()).toBe(0);
    expect(await storyboardJob(page, 'cancelled').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Render storyboard' }).isEnabled()).toBe(true);
    await page.getByRole('spinbutton', { name: 'Steps per segment' }).fill(String(STEPS));

    exported = await exportedBoard(page, dir, 'before.json');
    await page.getByRole('button', { name: 'Render storyboard' }).click();
    await waitForNewResult(page, null, 300_000);
    await download(page, /^Download/, mp4);
    const probed = ffprobe(mp4);
    console.info(`storyboard MP4: ${probed.frames} frames at ${probed.fps}, ${probed.width}×${probed.height}, ${probed.codec}; planned ${plan.totalFrames} in ${plan.segments.length} segments (${plan.segments.map((s) => s.mode).join(', ')})`);
    expect(probed.frames).toBe(plan.totalFrames);
    expect(probed.fps).toBe('8/1');
    // Upscaled like a single clip of the pack (the form's ×4), not left at the model's size
    expect([probed.width, probed.height]).toEqual([WIDTH * 4, HEIGHT * 4]);
    expect(await storyboardJob(page, 'done').getByTestId('queue-job-status').textContent()).toBe('Done · saved in the gallery');
    // Asked: 4 s at 8 fps; the pack's clip lengths make it at most half a latent group away.
    expect(Math.abs(plan.totalFrames - 32)).toBeLessThanOrEqual(2);

    // In the gallery before it is shown; the gallery opens it as a storyboard, not as one clip to generate again.
    const kept = page.getByRole('list', { name: 'Gallery' }).getByRole('listitem');
    expect(await kept.count()).toBe(1);
    expect(await kept.getByRole('button', { name: `Open the storyboard: ${FIRST} → ${SECOND}` }).count()).toBe(1);
    expect(await kept.getByRole('button', { name: /^Generate again/ }).count()).toBe(0);

    const timings = await page.evaluate(() => (globalThis as unknown as { __tessera: { lastTimings(): { totalMs: number; muxMs: number } | null } }).__tessera.lastTimings());
    console.info(`storyboard render (${STEPS} steps a segment, WASM): ${((timings?.totalMs ?? 0) / 1000).toFixed(2)} s, of which encoding ${((timings?.muxMs ?? 0) / 1000).toFixed(2)} s`);
    firstFrames = await lastRawFrames(page);
    expect(firstFrames.length).toBe(plan.totalFrames * WIDTH * HEIGHT * 3);
    console.info(`engine's seam report: ${await page.locator('.storyboard [role="status"]').last().textContent()}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('puts the keyframe image at its planned frame, within the autoencoder reconstruction error, as the Node render does', async () => {
    const frames = rgbToRgbaFrames(firstFrames, WIDTH, HEIGHT);
    const fitted = fitClip(large, { width: WIDTH, height: HEIGHT });
    const image = fitted.frames[0]!;
    node = await nodeStory(board, plan, new Map([['key.png', fitted]]));
    const parity = compareBytes(firstFrames, rgbaToRgb(node.frames));
    console.info(`browser vs onnxruntime-node story: max ${parity.max}, mean ${parity.mean.toFixed(4)} levels`);
    expect(parity.max).toBeLessThanOrEqual(MAX_LEVELS);
    const keyframe = plan.keyframes[0]!;
    expect(keyframe.frame).toBeGreaterThan(0);
    // The autoencoder's own error on this image: image-to-video's frame 0 is its reconstruction.
    const reconstruction = (await nodeTiny({ prompt: FIRST, seed: SEED, steps: 1, frames: 9, mode: { kind: 'image-to-video', image: large } })).frames[0]!;
    const atKeyframe = frames[keyframe.frame]!;
    console.info(
      `keyframe at story frame ${keyframe.frame}: ${psnr(atKeyframe, image).toFixed(2)} dB (MSE ${mse(atKeyframe, image).toFixed(1)}); reconstruction ${psnr(reconstruction, image).toFixed(2)} dB (MSE ${mse(reconstruction, image).toFixed(1)})`,
    );
    expect(psnr(atKeyframe, image)).toBeGreaterThan(RECONSTRUCTION_FLOOR);
    expect(mse(atKeyframe, image)).toBeLessThanOrEqual(KEYFRAME_MSE_FACTOR * mse(reconstruction, image));
    // And it is the keyframe's frame, not any frame: the story's first frame is further from the image.
    expect(mse(frames[0]!, image)).toBeGreaterThan(mse(atKeyframe, image));
  });

  it('joins its segments with seams no more abrupt than the story’s own group-to-group steps', () => {
    // The loop's measure (docs/capabilities.md, "Loop"): a seam is a step between latent groups, so it
    // is compared with the story's steps between two latent groups of one sampled segment, on the
    // browser's frames, each step named as the shared executor names it.
    const report = measureSeams(rgbToRgbaFrames(firstFrames, WIDTH, HEIGHT), node.steps);
    const seams = report.seams.map((s) => s.difference);
    console.info(
      `seams at frames ${report.seams.map((s) => s.frame).join(', ')}: ${seams.map((s) => s.toFixed(2)).join(', ')}; group-to-group steps: mean ${report.meanGroupStep.toFixed(2)} (seam ${report.ratio.toFixed(2)}×), largest ${report.largestGroupStep.toFixed(2)}`,
    );
    expect(seams.length).toBe(plan.segments.length - 1);
    for (const seam of seams) expect(seam).toBeLessThanOrEqual(report.largestGroupStep);
  });

  it('imports the exported JSON, restores the same board from the MP4 in a fresh page, and re-renders it into the same frames', async () => {
    const { page, errors } = await openApp(app.browser, app.url, TINY_APP);
    // Import JSON gives back the board that was exported.
    await page.getByRole('button', { name: 'Storyboard', exact: true }).click();
    await page.locator('input[type="file"][aria-label="Import a storyboard JSON file"]').setInputFiles(join(dir, 'before.json'));
    expect(await exportedBoard(page, dir, 'imported.json')).toEqual(exported);
    await page.getByRole('button', { name: 'Single clip', exact: true }).click();

    await page.locator('input[type="file"][aria-label^="Open a Tessera file"]').setInputFiles(mp4);
    const notice = page.getByTestId('notice');
    await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toMatch(/Storyboard restored from “story\.mp4” \(seed 42, 3 cards\)\. Choose “key\.png” again/);
    expect(await page.getByRole('heading', { name: 'Storyboard' }).count()).toBe(1);
    expect(await exportedBoard(page, dir, 'restored.json')).toEqual(exported);
    // The image itself is not in the file: the card names it until it is chosen again.
    const keyCard = page.getByRole('listitem', { name: 'Card 2, image' });
    expect(await keyCard.getByTestId('card-source').textContent()).toBe('The board names “key.png”: choose it.');
    expect(await page.getByRole('button', { name: 'Render storyboard' }).isDisabled()).toBe(true);
    await keyCard.getByLabel('Image', { exact: true }).setInputFiles(keyImage);
    await page.getByRole('button', { name: 'Render storyboard' }).click();
    await waitForNewResult(page, null, 300_000);
    const again = await lastRawFrames(page);
    expect(compareBytes(again, firstFrames).max).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('starts a render cut by a reload again from its beginning, with the keyframe image stored in the queue', async () => {
    const { page, errors } = await openApp(app.browser, app.url, TINY_APP);
    await page.getByRole('button', { name: 'Storyboard', exact: true }).click();
    await page.locator('input[type="file"][aria-label="Import a storyboard JSON file"]').setInputFiles(join(dir, 'before.json'));
    await page.getByRole('listitem', { name: 'Card 2, image' }).getByLabel('Image', { exact: true }).setInputFiles(keyImage);
    // 20 steps a segment: long enough that the reload lands mid-render.
    await page.getByRole('spinbutton', { name: 'Steps per segment' }).fill('20');
    await page.getByRole('button', { name: 'Render storyboard' }).click();
    await page.getByTestId('story-progress').waitFor({ timeout: 60_000 });
    await page.reload();
    await page.getByTestId('backend-badge').waitFor({ timeout: 120_000 });
    // The job is the only one: nothing on the page holds the image now but the stored queue.
    await expect.poll(() => storyboardJob(page, 'running').getByTestId('queue-job-interrupted').textContent(), { timeout: 60_000 }).toMatch(/Interrupted by a reload or a closed tab: restarted from its beginning/);
    await waitForNewResult(page, null, 300_000);
    expect(await storyboardJob(page, 'done').getByTestId('queue-job-status').textContent()).toBe('Done · saved in the gallery');
    expect(await page.getByRole('list', { name: 'Gallery' }).getByRole('listitem').count()).toBe(1);
    const frames = await lastRawFrames(page);
    expect(frames.length).toBe(plan.totalFrames * WIDTH * HEIGHT * 3);
    // The keyframe came back from the stored bytes: it stands at its frame as in the first render.
    const image = fitClip(large, { width: WIDTH, height: HEIGHT }).frames[0]!;
    expect(psnr(rgbToRgbaFrames(frames, WIDTH, HEIGHT)[plan.keyframes[0]!.frame]!, image)).toBeGreaterThan(RECONSTRUCTION_FLOOR);
    expect(errors).toEqual([]);
    await page.close();
  });
});
