/**
 * Measures the seams of storyboards on a pack (onnxruntime-node) and prints the figures quoted in
 * docs/storyboard.md: for each board, each kind of seam (named by the segment it leads into) as a
 * ratio to the story's mean group-to-group step (src/storyboard/storyboardSeams.ts, the measure of
 * the loop and connect tests), min/median/max over the seeds and how many seeds keep it within 1×.
 * Where a segment resamples the story's last group (an overlap), the seam is cut where the story's
 * and the segment's renderings of that group agree best (src/storyboard/overlapCut.ts): the line
 * says where (the frame of the group the segment's frames start at, 1 … g, or g + 1 for its first
 * new frame), and the step out of the group into the segment's first new frame is printed too: it is
 * a group step of the story, and a join that only moved there would show in it. Images and clips are rendered world scenes.
 *
 * Usage: npx tsx scripts/measure-storyboard.ts [packDir] [steps] [seeds, e.g. 1-10,42]
 * Environment: STORYBOARD_OVERLAP=off plans without overlaps (a new prompt is still handed over;
 * the hard cut before both is commit c487e0b);
 * STORYBOARD_RELEASE=t overrides the overlap's release time; STORYBOARD_BOARDS='name|…' picks boards
 * (by the start of their names); STORYBOARD_E2E_STEPS sets the e2e board's steps (2, as the test).
 */
import { createArchitecture } from '../src/architectures/registry';
import { generateVideo, type RgbaClip } from '../src/pipeline/videoModes';
import { readManifestFile } from '../src/runtime/nodePack';
import { createNodeRunner } from '../src/runtime/nodeRunner';
import { packCapabilities } from '../src/storyboard/packCapabilities';
import { renderStoryboard, type RenderSegment } from '../src/storyboard/renderStoryboard';
import type { StoryPlan } from '../src/storyboard/storyboardPlan';
import { planStoryboard } from '../src/storyboard/storyboardPlanner';
import { meanAbsDifference } from '../src/storyboard/storyboardSeams';
import { parseStoryboard } from '../src/storyboard/storyboardValidator';
import { worldClip } from '../test/fixtures/worldClip';

const dir = process.argv[2] ?? 'public/models/tessera-tiny';
const steps = Number(process.argv[3] ?? 10);
const seeds = (process.argv[4] ?? '1-10,42').split(',').flatMap((part) => {
  const [a, b] = part.split('-').map(Number);
  return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
});
const overlapOff = process.env.STORYBOARD_OVERLAP === 'off';
const release = process.env.STORYBOARD_RELEASE === undefined ? undefined : Number(process.env.STORYBOARD_RELEASE);
const manifest = await readManifestFile(dir);
const runner = await createNodeRunner(dir, manifest, { threads: 1 });
const architecture = createArchitecture(manifest, runner);
const render: RenderSegment = ({ segment: _segment, mode, ...request }, signal) => {
  const overlap = release !== undefined && (mode.kind === 'extend' || mode.kind === 'connect') && mode.overlap ? { ...mode, overlap: { releaseBelow: release } } : mode;
  return generateVideo(architecture, manifest, { ...request, mode: overlap }, { signal });
};
const { width, height } = manifest.video.sizes['16:9']!;

const DOWN = 'a yellow square moving down on a blue background';
const RIGHT = 'a yellow square moving right on a blue background';
const E2E_FIRST = 'a red circle moving right on a blue background';
const E2E_SECOND = 'a red circle moving up on a blue background';
const media = new Map<string, RgbaClip>([
  ['key.png', worldClip({ colour: 'yellow', shape: 'square', background: 'blue', direction: [0, 1], start: [0.5, 0.5] }, width, height, 1)],
  ['intro.y4m', worldClip({ colour: 'yellow', shape: 'square', background: 'blue', direction: [0, 1] }, width, height, 17)],
  ['e2e.png', worldClip({ colour: 'red', shape: 'circle', background: 'blue', direction: [1, 0], start: [0.7, 0.5] }, width, height, 1)],
]);
const boards: Record<string, { cards: unknown[]; steps?: number }> = {
  'text, keyframe, text': { cards: [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'image', file: 'key.png' }, { type: 'text', prompt: DOWN, seconds: 2 }] },
  'text, text (same prompt)': { cards: [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'text', prompt: DOWN, seconds: 2 }] },
  'text, text (new prompt)': { cards: [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'text', prompt: RIGHT, seconds: 2 }] },
  'text, text, text (new prompts, 6 s)': {
    cards: [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'text', prompt: RIGHT, seconds: 2 }, { type: 'text', prompt: DOWN, seconds: 2 }],
  },
  'text, text, keyframe (a connect from the story)': {
    cards: [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'text', prompt: RIGHT, seconds: 2 }, { type: 'image', file: 'key.png' }],
  },
  'minimal (text, keyframe, clip, text)': {
    cards: [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'image', file: 'key.png' }, { type: 'clip', file: 'intro.y4m' }, { type: 'text', prompt: RIGHT, seconds: 2 }],
  },
  'e2e board (text, keyframe, text; 2 steps unless STORYBOARD_E2E_STEPS)': {
    cards: [{ type: 'text', prompt: E2E_FIRST, seconds: 2 }, { type: 'image', file: 'e2e.png' }, { type: 'text', prompt: E2E_SECOND, seconds: 2 }],
    steps: Number(process.env.STORYBOARD_E2E_STEPS ?? 2),
  },
};
const picked = process.env.STORYBOARD_BOARDS?.split('|');

/** Drops the plan's overlaps: every segment starts after the story's last frame (the hard cut). */
const withoutOverlaps = (plan: StoryPlan): StoryPlan => ({ ...plan, segments: plan.segments.map(({ resamples: _r, ...segment }) => segment) });

const f = (x: number) => x.toFixed(2);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
console.log(`${steps} steps (a board that sets its own keeps it), seeds ${seeds.join(', ')}; overlap ${overlapOff ? 'off' : `on, release below ${release ?? 'the default'}`}\n`);
for (const [name, { cards, steps: boardSteps }] of Object.entries(boards)) {
  if (picked && !picked.some((p) => name.startsWith(p))) continue;
  const byKind = new Map<string, number[]>();
  const add = (kind: string, ratio: number) => byKind.set(kind, [...(byKind.get(kind) ?? []), ratio]);
  const worst: number[] = [];
  for (const seed of seeds) {
    const board = parseStoryboard({ aspect: '16:9', seed, steps: boardSteps ?? steps, cards });
    const planned = planStoryboard(board, packCapabilities(manifest), new Map([['intro.y4m', 17]]));
    const plan = overlapOff ? withoutOverlaps(planned) : planned;
    const story = await renderStoryboard(board, plan, media, render);
    const step = story.seams.meanGroupStep;
    // A segment's seam lies in its overlap group, from the plan's overlap start to its first new frame.
    const segmentAt = (frame: number) => plan.segments.find((s) => s.mode !== 'clip' && s.startFrame - (s.resamples ?? 0) <= frame && frame <= s.startFrame && story.steps[frame] === 'seam');
    const joins = story.seams.seams.map(({ frame, difference }) => {
      const segment = segmentAt(frame);
      const kind = segment ? `into ${segment.mode}${segment.resamples ? ' (overlap)' : ''}` : 'into a clip';
      add(kind, difference / step);
      const cut = segment?.resamples ? ` (cut at ${frame - segment.startFrame + segment.resamples + 1} of ${segment.resamples + 1})` : '';
      return `${kind} ${f(difference)}${cut}`;
    });
    for (const segment of plan.segments.filter((s) => s.resamples && story.steps[s.startFrame] !== 'seam')) {
      const out = meanAbsDifference(story.frames[segment.startFrame - 1]!, story.frames[segment.startFrame]!);
      add(`out of the overlap (${segment.mode})`, out / step);
      joins.push(`out of the overlap ${f(out)}`);
    }
    worst.push(story.seams.worstRatio);
    console.log(`${name}, seed ${seed}: ${joins.join(', ')}; group step ${f(step)}; ratio ${f(story.seams.ratio)}× (worst seam ${f(story.seams.worstRatio)}×)`);
  }
  console.log(`${name}: every seam within 1× for ${worst.filter((w) => w <= 1).length} of ${seeds.length} seeds`);
  for (const [kind, ratios] of byKind) {
    console.log(`  ${kind}: ${f(Math.min(...ratios))} / ${f(median(ratios))} / ${f(Math.max(...ratios))}× (min / median / max), within 1× for ${ratios.filter((r) => r <= 1).length} of ${ratios.length}`);
  }
  console.log('');
}
await runner.release();
