/**
 * `npm run generate -- --storyboard board.json --out story.mp4|.y4m`: a storyboard (docs/storyboard.md)
 * planned for the pack (src/storyboard/storyboardPlanner.ts) and rendered segment by segment by the
 * shared executor (src/storyboard/renderStoryboard.ts) on the CLI's sampler, then written with the
 * app's provenance: the watermark in every frame and, in an MP4, the record with the whole board.
 * Exit status as for single clips: 2 for a wrong command line, board or input file, 3 for a prompt
 * the policy refuses, 1 for a broken pack or a failed write.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createArchitecture } from '../src/architectures/registry';
import { MediaInputError } from '../src/input/mediaInputError';
import type { Manifest } from '../src/models/manifest';
import { PipelineError } from '../src/pipeline/errors';
import { resolveSize } from '../src/pipeline/latents';
import type { Architecture } from '../src/pipeline/architecture';
import { defaultOutputScale } from '../src/media/outputScale';
import { generateVideo, type RgbaClip } from '../src/pipeline/videoModes';
import { finishClip, type FinishOptions } from '../src/render/renderClip';
import { readManifestFile } from '../src/runtime/nodePack';
import { ModelLoadError } from '../src/runtime/errors';
import { createNodeRunner } from '../src/runtime/nodeRunner';
import { firstRefusal, PolicyRefusalError } from '../src/safety/promptPolicy';
import { packCapabilities } from '../src/storyboard/packCapabilities';
import { renderStoryboard, type RenderSegment, type RenderedStory } from '../src/storyboard/renderStoryboard';
import { StoryboardError } from '../src/storyboard/storyboardError';
import { storyPrompt } from '../src/storyboard/storyboardMetadata';
import { planStoryboard } from '../src/storyboard/storyboardPlanner';
import type { Storyboard } from '../src/storyboard/storyboardTypes';
import { parseStoryboard } from '../src/storyboard/storyboardValidator';
import { UsageError } from './args';
import { cliContainer } from './containers';
import { assertFfmpeg } from './mp4';
import { checkOutputBudget, checkOutputPath } from './outputChecks';
import { readMedia } from './readMedia';
import { DEFAULT_MODEL_DIR, type CliIo } from './run';
import { parseStoryboardArgs, STORYBOARD_USAGE, type StoryboardCliOptions } from './storyboardArgs';

/** A board file larger than this is refused before it is read: 64 cards of 2,000-character prompts fit in 150 kB. */
export const MAX_BOARD_BYTES = 1024 * 1024;

/** Runs the storyboard command; resolves to the process exit status. */
export async function runStoryboardCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const options = parseStoryboardArgs(argv);
    if (options === 'help') {
      io.stdout(STORYBOARD_USAGE);
      return 0;
    }
    await renderBoardFile(options, io);
    return 0;
  } catch (error) {
    io.stderr(`error: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
    if (error instanceof PolicyRefusalError) return 3;
    return isUsageError(error) ? 2 : 1;
  }
}

async function renderBoardFile(options: StoryboardCliOptions, io: CliIo): Promise<void> {
  // 1. The board, the pack's manifest, the prompts as the pack's architecture reads them, the output
  // path: checked before any graph runs (a runner makes no session until a graph first runs)
  const read = await readBoard(options.board);
  const board: Storyboard = options.steps !== undefined ? { ...read, steps: options.steps } : read;
  const dir = options.model ?? DEFAULT_MODEL_DIR;
  const manifest = await readManifestFile(dir);
  const runner = createNodeRunner(dir, manifest);
  const architecture = createArchitecture(manifest, runner);
  checkPrompts(board, architecture);
  await checkOutputPath(options.out);
  if (options.format === 'mp4') assertFfmpeg();
  const scale = options.scale ?? defaultOutputScale(manifest.video);

  // 2. The board's images and clips at the pack's size and rate, and the plan
  const media = await readBoardMedia(board, dirname(resolve(options.board)), manifest);
  const clipFrames = new Map([...media].map(([file, clip]) => [file, clip.frames.length]));
  const plan = planStoryboard(board, packCapabilities(manifest, architecture), clipFrames);
  if (plan.problems.length > 0) {
    const listed = plan.problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`);
    throw new StoryboardError('unrenderable', `${options.board} cannot be rendered as asked: ${listed.join('; ')}${plan.problems.length > 3 ? `; and ${plan.problems.length - 3} more` : ''}`);
  }
  checkOutputBudget({ width: plan.decodedWidth, height: plan.decodedHeight, frames: plan.totalFrames }, scale);

  // 3. Render every segment on onnxruntime-node
  const started = performance.now();
  try {
    const renderSegment: RenderSegment = ({ segment: _segment, ...request }, signal) => generateVideo(architecture, manifest, request, { signal });
    const story = await renderStoryboard(board, plan, media, renderSegment, {
      onProgress: (event) => {
        if (event.stage !== 'segment-start') return;
        const segment = plan.segments[event.segment]!;
        io.stderr(`segment ${event.segment + 1}/${event.of}: ${segment.mode}${segment.implicit ? ' (transition)' : ''}, ${segment.frames} frames${segment.prompt ? `, "${segment.prompt.slice(0, 60)}"` : ''}`);
      },
    });
    const seconds = (performance.now() - started) / 1000;

    // 4. Write it with the provenance record and the board: the render chain's upscale → watermark → encode
    const steps = board.steps ?? manifest.scheduler.steps;
    await finishClip(story, {
      upscale: scale,
      upscaleFilter: 'nearest',
      provenance: provenanceOf(options, board, manifest, story, steps),
      container: cliContainer(options.format, options.out),
    });
    const { seams } = story;
    io.stdout(
      `wrote ${options.out}: ${story.frames.length} frames in ${plan.segments.length} segments of ${story.width}x${story.height} ×${scale} at ${story.fps} fps, ` +
        `seed ${board.seed}, ${steps} steps, ${seconds.toFixed(2)} s; seams: mean ${seams.meanSeam.toFixed(2)} vs group-to-group step ${seams.meanGroupStep.toFixed(2)} ` +
        `(${seams.ratio.toFixed(2)}×, worst ${seams.worstRatio.toFixed(2)}×)`,
    );
  } finally {
    await runner.release();
  }
}

/** Reads and checks the board file. Throws StoryboardError (exit status 2) naming the file and the JSON path. */
async function readBoard(path: string): Promise<Storyboard> {
  const size = await stat(path).then(
    (info) => info.size,
    (error: NodeJS.ErrnoException) => {
      throw new StoryboardError('invalid-storyboard', `cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    },
  );
  if (size > MAX_BOARD_BYTES) throw new StoryboardError('invalid-storyboard', `${path} is ${size} bytes; a storyboard is at most ${MAX_BOARD_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new StoryboardError('invalid-storyboard', `${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    return parseStoryboard(json);
  } catch (error) {
    if (error instanceof StoryboardError) throw new StoryboardError(error.code, `${path}: ${error.message}`);
    throw error;
  }
}

/** Every text card's prompt must be readable and allowed (the same policy as a single clip's). */
function checkPrompts(board: Storyboard, architecture: Pick<Architecture, 'checkPrompt'>): void {
  board.cards.forEach((card, i) => {
    if (card.type !== 'text') return;
    try {
      architecture.checkPrompt?.(card.prompt);
    } catch (error) {
      throw error instanceof PipelineError ? new PipelineError(error.code, `cards[${i}].prompt: ${error.message}`) : error;
    }
    const refusal = firstRefusal({ prompt: card.prompt, expandedPrompt: card.prompt, negativePrompt: board.negativePrompt ?? '' });
    if (refusal) throw refusal;
  });
}

/** Each image and clip file once, relative to the board's folder, at the board's size and the pack's rate (an image: its first frame). */
async function readBoardMedia(board: Storyboard, folder: string, manifest: Manifest): Promise<Map<string, RgbaClip>> {
  const size = resolveSize(manifest.video, board.aspect);
  const media = new Map<string, RgbaClip>();
  for (const card of board.cards) {
    if (card.type === 'text' || media.has(card.file)) continue;
    const clip = await readMedia(resolve(folder, card.file), manifest.video.fps, () => size);
    media.set(card.file, card.type === 'image' ? { ...clip, frames: clip.frames.slice(0, 1) } : clip);
  }
  return media;
}

/**
 * The record of a storyboard's file: the text cards' prompts as its prompt, the board's seed, the
 * story's length, and the board itself (left out with --omit-prompt, since the board holds the
 * prompts). A y4m has no place for metadata.
 */
function provenanceOf(options: StoryboardCliOptions, board: Storyboard, manifest: Manifest, story: RenderedStory, steps: number): FinishOptions<void>['provenance'] {
  const prompt = storyPrompt(board);
  return {
    settings: {
      prompt,
      negativePrompt: board.negativePrompt ?? '',
      aspect: board.aspect,
      frames: story.frames.length,
      steps,
      guidance: board.guidance ?? manifest.scheduler.guidance,
      seed: board.seed,
      expandPrompt: false,
    },
    expandedPrompt: prompt,
    packName: manifest.name,
    packVersion: manifest.version,
    includePrompt: !options.omitPrompt,
    storyboard: board,
  };
}

/** Mistakes in what was asked (flags, the board, its files, its prompts), not in the pack. */
function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError || error instanceof MediaInputError) return true;
  if (error instanceof StoryboardError) return error.code !== 'segment-mismatch' && error.code !== 'aborted';
  if (error instanceof PipelineError) return error.code.startsWith('invalid-');
  return error instanceof ModelLoadError && error.code === 'missing-pack';
}
