/**
 * Measures the seams of storyboards on a pack (onnxruntime-node) and prints the figures quoted in
 * docs/storyboard.md: for each board and seed, every seam's difference (mean absolute RGB, 0..255)
 * named by what it joins, against the story's mean group-to-group step (src/storyboard/storyboardSeams.ts).
 * Images and clips are rendered world scenes.
 * Usage: npx tsx scripts/measure-storyboard.ts [packDir] [steps] [seeds]
 */
import { createArchitecture } from '../src/architectures/registry';
import { generateVideo, type RgbaClip } from '../src/pipeline/videoModes';
import { readManifestFile } from '../src/runtime/nodePack';
import { createNodeRunner } from '../src/runtime/nodeRunner';
import { packCapabilities } from '../src/storyboard/packCapabilities';
import { renderStoryboard, type RenderSegment } from '../src/storyboard/renderStoryboard';
import { planStoryboard } from '../src/storyboard/storyboardPlanner';
import { parseStoryboard } from '../src/storyboard/storyboardValidator';
import { worldClip } from '../test/fixtures/worldClip';

const dir = process.argv[2] ?? 'public/models/tessera-tiny';
const steps = Number(process.argv[3] ?? 10);
const seeds = Array.from({ length: Number(process.argv[4] ?? 4) }, (_, i) => i + 1);
const manifest = await readManifestFile(dir);
const runner = await createNodeRunner(dir, manifest, { threads: 1 });
const architecture = createArchitecture(manifest, runner);
const render: RenderSegment = ({ segment: _segment, ...request }, signal) => generateVideo(architecture, manifest, request, { signal });
const { width, height } = manifest.video.sizes['16:9']!;

const DOWN = 'a yellow square moving down on a blue background';
const RIGHT = 'a yellow square moving right on a blue background';
const media = new Map<string, RgbaClip>([
  ['key.png', worldClip({ colour: 'yellow', shape: 'square', background: 'blue', direction: [0, 1], start: [0.5, 0.5] }, width, height, 1)],
  ['intro.y4m', worldClip({ colour: 'yellow', shape: 'square', background: 'blue', direction: [0, 1] }, width, height, 17)],
]);
const boards: Record<string, unknown[]> = {
  'text, keyframe, text': [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'image', file: 'key.png' }, { type: 'text', prompt: DOWN, seconds: 2 }],
  'text, text (same prompt)': [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'text', prompt: DOWN, seconds: 2 }],
  'text, text (new prompt)': [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'text', prompt: RIGHT, seconds: 2 }],
  'minimal (text, keyframe, clip, text)': [{ type: 'text', prompt: DOWN, seconds: 2 }, { type: 'image', file: 'key.png' }, { type: 'clip', file: 'intro.y4m' }, { type: 'text', prompt: RIGHT, seconds: 2 }],
};

const f = (x: number) => x.toFixed(2);
for (const [name, cards] of Object.entries(boards)) {
  const ratios: number[] = [];
  const worst: number[] = [];
  for (const seed of seeds) {
    const board = parseStoryboard({ aspect: '16:9', seed, steps, cards });
    const plan = planStoryboard(board, packCapabilities(manifest), new Map([['intro.y4m', 17]]));
    const story = await renderStoryboard(board, plan, media, render);
    const joins = story.seams.seams.map(({ frame, difference }) => {
      const segment = plan.segments.find((s) => s.startFrame === frame);
      const what = segment ? `into ${segment.mode}` : 'into a clip';
      return `${what} ${f(difference)}`;
    });
    ratios.push(story.seams.ratio);
    worst.push(story.seams.worstRatio);
    console.log(`${name}, seed ${seed}: ${joins.join(', ')}; group step ${f(story.seams.meanGroupStep)}; ratio ${f(story.seams.ratio)}× (worst ${f(story.seams.worstRatio)}×)`);
  }
  const range = (xs: number[]) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
  const within = worst.filter((w) => w <= 1).length;
  console.log(`${name}: mean ratio ${f(ratios.reduce((a, b) => a + b, 0) / ratios.length)}× (${range(ratios)}), worst seam ${range(worst)}×, every seam within the bound for ${within} of ${seeds.length} seeds; ${steps} steps\n`);
}
await runner.release();
