/**
 * `npm run generate`: the app's render chain (src/render/renderClip.ts: policy → modes → sample →
 * upscale → watermark → encode) on onnxruntime-node, with the CLI's own sources (readMedia.ts) and
 * containers (containers.ts: .mp4, .y4m or .png, the app's provenance in the pixels and the
 * metadata). Errors end as one line on stderr: status 2 for a wrong command line or setting, 3 for
 * a prompt the policy refuses, 1 for a broken pack or a failed write.
 */
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createArchitecture } from '../src/architectures/registry';
import { MediaInputError } from '../src/input/mediaInputError';
import { defaultOutputScale } from '../src/media/outputScale';
import { ManifestError, decodedSize, type Manifest } from '../src/models/manifest';
import { PipelineError } from '../src/pipeline/errors';
import { checkFrameCount, frameCountForSeconds, resolveSize } from '../src/pipeline/latents';
import { generateVideo, type GenerationMode, type ModeVideo } from '../src/pipeline/videoModes';
import { checkPrompts } from '../src/render/promptCheck';
import { renderClip } from '../src/render/renderClip';
import { ModelLoadError } from '../src/runtime/errors';
import { readManifestFile } from '../src/runtime/nodePack';
import { createNodeRunner } from '../src/runtime/nodeRunner';
import { assertPromptsAllowed, PolicyRefusalError } from '../src/safety/promptPolicy';
import { parseCliArgs, USAGE, UsageError, type CliOptions, type ExpandOnly } from './args';
import { cliContainer } from './containers';
import { assertFfmpeg } from './mp4';
import { checkOutputBudget, checkOutputPath, type OutputShape } from './outputChecks';
import { readMedia } from './readMedia';

/** Where the CLI writes its messages (injectable for tests). */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** The default pack (the app's built-in one, src/state/packChoice.ts); --model public/models/tessera-tiny for the 32-pixel one. */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../public/models/tessera-tiny-2', import.meta.url));

/** Clip length when neither --frames nor --seconds is given (a text-to-image .png defaults to one frame). */
const DEFAULT_SECONDS = 2;
/** Aspect ratio of text and loop modes when --aspect is not given. */
const DEFAULT_ASPECT = '16:9';

/** Runs the CLI; resolves to the process exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const options = parseCliArgs(argv);
    if (options === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if ('expandOnly' in options) {
      await printExpansion(options, io);
      return 0;
    }
    await generate(options, io);
    return 0;
  } catch (error) {
    io.stderr(`error: ${oneLine(error)}`);
    if (error instanceof PolicyRefusalError) return 3;
    return isUsageError(error) ? 2 : 1;
  }
}

/**
 * `--expand` alone: the pack's expansion of the prompt, checked against the policy like a
 * generation's; the caption on stdout (one line, for scripts), what changed on stderr.
 */
async function printExpansion(options: ExpandOnly, io: CliIo): Promise<void> {
  const dir = options.model ?? DEFAULT_MODEL_DIR;
  const manifest = await readManifestFile(dir);
  // No graph runs: the runner only names the pack whose architecture expands.
  const { expandPrompt } = createArchitecture(manifest, createNodeRunner(dir, manifest));
  if (!expandPrompt) throw new UsageError(`the ${manifest.architecture} model offers no prompt expansion`);
  const expansion = expandPrompt(options.prompt);
  assertPromptsAllowed({ prompt: options.prompt, expandedPrompt: expansion.caption });
  io.stdout(expansion.caption);
  for (const change of expansion.changes) {
    io.stderr(change.kind === 'default' ? `default ${change.what}: ${change.to}` : `${change.what}: ${change.from} → ${change.to}`);
  }
  if (expansion.unknownWords.length > 0) io.stderr(`not understood: ${expansion.unknownWords.join(', ')}`);
  if (expansion.outsideAlphabet.length > 0) io.stderr(`outside the alphabet (a-z, 0-9): ${expansion.outsideAlphabet.join(', ')}`);
}

async function generate(options: CliOptions, io: CliIo): Promise<void> {
  // Everything that can be wrong with the request is checked before a graph runs, so a mistake fails
  // fast. The pack's manifest names its architecture, which expands the prompt (once: the render
  // chain takes this result) so the policy checks the caption the model will read.
  const dir = options.model ?? DEFAULT_MODEL_DIR;
  const manifest = await readManifestFile(dir);
  // No session exists until a graph first runs (src/runtime/sessionPool.ts).
  const runner = createNodeRunner(dir, manifest);
  const architecture = createArchitecture(manifest, runner);
  const prompt = checkPrompts({ prompt: options.prompt, negativePrompt: options.negative, expandPrompt: options.expand }, architecture);
  await checkOutputPath(options.out);
  if (options.format === 'mp4') assertFfmpeg();
  const scale = options.scale ?? defaultOutputScale(manifest.video);
  const defaultSeconds = options.mode.kind === 'text' && options.format === 'png' ? 0 : DEFAULT_SECONDS;
  const frames =
    options.frames ??
    (options.seconds !== undefined || options.mode.kind !== 'video-to-video' ? frameCountForSeconds(manifest.video, options.seconds ?? defaultSeconds) : undefined);
  if (frames !== undefined) checkFrameCount(manifest.video, frames);
  const seed = options.seed ?? randomInt(0, 2 ** 32 - 1);
  let seconds = 0;
  try {
    // The render chain the app runs too (src/render/renderClip.ts), with the CLI's sources and containers
    const { video, expansion } = await renderClip(
      {
        prompt: options.prompt,
        negativePrompt: options.negative,
        seed,
        ...(options.steps !== undefined ? { steps: options.steps } : {}),
        ...(options.guidance !== undefined ? { guidance: options.guidance } : {}),
        expandPrompt: options.expand,
        mode: options.mode,
        ...(options.aspect !== undefined ? { aspect: options.aspect } : {}),
        defaultAspect: DEFAULT_ASPECT,
        ...(frames !== undefined ? { frames } : {}),
        ...(options.warmStart !== undefined ? { warmStart: options.warmStart } : {}),
        upscale: scale,
        upscaleFilter: 'nearest',
        includePrompt: !options.omitPrompt,
      },
      {
        manifest,
        architecture,
        decodeSource: readMedia,
        checkPlan: (plan) => checkOutputBudget(outputShape(manifest, plan.mode, plan.aspect ?? DEFAULT_ASPECT, plan.frames), scale),
        sample: async (request) => {
          const started = performance.now();
          const video = await generateVideo(architecture, manifest, request);
          seconds = (performance.now() - started) / 1000;
          return video;
        },
        container: () => cliContainer(options.format, options.out),
      },
      prompt,
    );
    const outside = architecture.outsideAlphabet?.(options.prompt) ?? [];
    if (outside.length > 0) io.stderr(`warning: letters outside a-z and 0-9 do not reach the model; left out of: ${outside.join(', ')}`);
    if (expansion) {
      io.stderr(`caption: ${video.caption}`);
      if (expansion.unknownWords.length > 0) io.stderr(`not understood: ${expansion.unknownWords.join(', ')}`);
    }
    if (video.unknownWords.length > 0) io.stderr(`warning: the model does not know: ${video.unknownWords.join(', ')} (try --expand)`);
    io.stdout(
      `wrote ${options.out}: ${video.frames.length} frame${video.frames.length === 1 ? '' : 's'}${describeMode(options, video)} of ${video.width}x${video.height} ×${scale} at ${video.fps} fps, ` +
        `seed ${seed}, ${video.steps} steps, guidance ${video.guidance}, ${seconds.toFixed(2)} s`,
    );
  } finally {
    await runner.release();
  }
}

/**
 * The most frames the output can have at the decoded size (the model's, times the pack's
 * decoderUpscale): the frames sampled (video-to-video: at most the pack's longest clip) plus, for
 * extend and connect, every frame of their source clips.
 */
function outputShape(manifest: Manifest, mode: GenerationMode, aspect: string, frames: number | undefined): OutputShape {
  const size = decodedSize(manifest.video, resolveSize(manifest.video, aspect));
  const sampled = frames ?? Math.max(...manifest.video.frameCounts);
  const sources = mode.kind === 'extend' ? mode.clip.frames.length : mode.kind === 'connect' ? mode.first.frames.length + mode.second.frames.length : 0;
  return { width: size.width, height: size.height, frames: sampled + sources };
}

/** " (extend forward: 8 new)" and the like, for the summary line. */
function describeMode(options: CliOptions, video: ModeVideo): string {
  const m = options.mode;
  switch (m.kind) {
    case 'text':
      return '';
    case 'extend':
      return ` (extend ${m.direction}: ${video.newFrames} new)`;
    case 'connect':
      return ` (connect: ${video.newFrames} new between the clips)`;
    case 'video-to-video':
      return ` (video-to-video at strength ${m.strength})`;
    default:
      return ` (${m.kind})`;
  }
}

/** Mistakes in what was asked (flags, settings, a model folder that is not there), not in the pack. */
function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError || error instanceof MediaInputError) return true;
  if (error instanceof PipelineError) return error.code.startsWith('invalid-');
  return error instanceof ModelLoadError && error.code === 'missing-pack';
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n').find((line) => line.trim().length > 0) ?? 'unknown error';
  return error instanceof ManifestError ? `model pack: ${first}` : first;
}
