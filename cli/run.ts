/**
 * `npm run generate`: the browser's pipeline (src/pipeline/textToVideo.ts) on onnxruntime-node,
 * written to .mp4, .y4m or .png with the app's provenance (watermark in the pixels, a record in MP4
 * and PNG metadata). Errors end as one line on stderr: status 2 for a wrong command
 * line or setting, 1 for a broken pack or a failed write.
 */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MediaInputError } from '../src/input/mediaInputError';
import { ManifestError, type Manifest } from '../src/models/manifest';
import { PipelineError } from '../src/pipeline/errors';
import { closestAspect } from '../src/pipeline/fitFrames';
import { checkFrameCount, frameCountForSeconds, resolveSize } from '../src/pipeline/latents';
import { expandPrompt } from '../src/architectures/tessera-tiny/promptExpansion';
import { assertReadablePrompt, wordsOutsideAlphabet } from '../src/architectures/tessera-tiny/promptReadability';
import { createArchitecture } from '../src/architectures/registry';
import { generateVideo, type GenerationMode, type ModeVideo } from '../src/pipeline/videoModes';
import { ModelLoadError } from '../src/runtime/errors';
import { readManifestFile } from '../src/runtime/nodePack';
import { createNodeRunner } from '../src/runtime/nodeRunner';
import { addPngText } from '../src/media/png';
import { applyWatermark, fileRecord, MP4_DESCRIPTION, type ProvenanceInfo } from '../src/safety/fileProvenance';
import { provenanceFfmpegArgs, provenancePngText } from '../src/safety/provenance';
import { parseCliArgs, USAGE, UsageError, type CliOptions, type ExpandOnly } from './args';
import { contactSheet, upscaleNearest, type Frames } from './frames';
import { assertFfmpeg, writeMp4 } from './mp4';
import { checkOutputBudget, checkOutputPath, type OutputShape } from './outputChecks';
import { encodePng } from './png';
import { readMedia } from './readMedia';
import { encodeY4m } from './y4m';

/** Where the CLI writes its messages (injectable for tests). */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** The pack shipped with the repository. */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../public/models/tessera-tiny', import.meta.url));

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
      printExpansion(options, io);
      return 0;
    }
    await generate(options, io);
    return 0;
  } catch (error) {
    io.stderr(`error: ${oneLine(error)}`);
    return isUsageError(error) ? 2 : 1;
  }
}

/** `--expand` alone: the caption on stdout (one line, for scripts), what changed on stderr. */
function printExpansion(options: ExpandOnly, io: CliIo): void {
  const expansion = expandPrompt(options.prompt);
  io.stdout(expansion.caption);
  for (const change of expansion.changes) {
    io.stderr(change.kind === 'default' ? `default ${change.what}: ${change.to}` : `${change.what}: ${change.from} → ${change.to}`);
  }
  if (expansion.unknownWords.length > 0) io.stderr(`not understood: ${expansion.unknownWords.join(', ')}`);
  if (expansion.outsideAlphabet.length > 0) io.stderr(`outside the alphabet (a-z, 0-9): ${expansion.outsideAlphabet.join(', ')}`);
}

async function generate(options: CliOptions, io: CliIo): Promise<void> {
  // Everything that can be wrong with the request is checked before the model is loaded, so a mistake fails fast.
  assertReadablePrompt(options.prompt);
  const outside = wordsOutsideAlphabet(options.prompt);
  if (outside.length > 0) io.stderr(`warning: letters outside a-z and 0-9 do not reach the model; left out of: ${outside.join(', ')}`);
  await checkOutputPath(options.out);
  if (options.format === 'mp4') assertFfmpeg();
  const dir = options.model ?? DEFAULT_MODEL_DIR;
  const manifest = await readManifestFile(dir);
  const { mode, aspect } = await readMode(options, manifest);
  const defaultSeconds = options.mode.kind === 'text' && options.format === 'png' ? 0 : DEFAULT_SECONDS;
  const frames =
    options.frames ??
    (options.seconds !== undefined || options.mode.kind !== 'video-to-video' ? frameCountForSeconds(manifest.video, options.seconds ?? defaultSeconds) : undefined);
  if (frames !== undefined) checkFrameCount(manifest.video, frames);
  checkOutputBudget(outputShape(manifest, mode, aspect, frames), options.scale);
  const seed = options.seed ?? randomInt(0, 2 ** 32 - 1);
  const runner = await createNodeRunner(dir, manifest);
  const started = performance.now();
  try {
    const video = await generateVideo(createArchitecture(manifest, runner), manifest, {
      prompt: options.prompt,
      negativePrompt: options.negative,
      seed,
      mode,
      ...(aspect !== undefined ? { aspect } : {}),
      ...(frames !== undefined ? { frames } : {}),
      ...(options.steps !== undefined ? { steps: options.steps } : {}),
      ...(options.guidance !== undefined ? { guidance: options.guidance } : {}),
      ...(options.expand ? { expansion: expandPrompt(options.prompt) } : {}),
      ...(options.warmStart !== undefined ? { warmStart: options.warmStart } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    if (video.expansion) {
      io.stderr(`caption: ${video.caption}`);
      if (video.expansion.unknownWords.length > 0) io.stderr(`not understood: ${video.expansion.unknownWords.join(', ')}`);
    }
    if (video.unknownWords.length > 0) io.stderr(`warning: the model does not know: ${video.unknownWords.join(', ')} (try --expand)`);
    const scaled = upscaleNearest(video, options.scale);
    await write(options, scaled, video.fps, provenanceOf(options, manifest, video, scaled));
    io.stdout(
      `wrote ${options.out}: ${video.frames.length} frame${video.frames.length === 1 ? '' : 's'}${describeMode(options, video)} of ${video.width}x${video.height} ×${options.scale} at ${video.fps} fps, ` +
        `seed ${seed}, ${video.steps} steps, guidance ${video.guidance}, ${seconds.toFixed(2)} s`,
    );
  } finally {
    await runner.release();
  }
}

/** Reads the mode's input files at the pack's rate and size. The aspect is --aspect, else the closest to the first input. */
async function readMode(options: CliOptions, manifest: Manifest): Promise<{ mode: GenerationMode; aspect: string | undefined }> {
  let aspect = options.aspect;
  const read = (path: string) =>
    readMedia(path, manifest.video.fps, (width, height) => {
      aspect ??= closestAspect(manifest.video, width, height);
      return resolveSize(manifest.video, aspect);
    });
  const m = options.mode;
  switch (m.kind) {
    case 'text':
    case 'loop':
      return { mode: m, aspect: aspect ?? DEFAULT_ASPECT };
    case 'image-to-video': {
      const image = await read(m.image);
      return { mode: { kind: m.kind, image: { ...image, frames: image.frames.slice(0, 1) } }, aspect };
    }
    case 'extend':
      return { mode: { kind: m.kind, clip: await read(m.clip), direction: m.direction }, aspect };
    case 'video-to-video':
      return { mode: { kind: m.kind, clip: await read(m.clip), strength: m.strength }, aspect };
    case 'connect': {
      const first = await read(m.first);
      return { mode: { kind: m.kind, first, second: await read(m.second) }, aspect };
    }
  }
}

/**
 * The most frames the output can have at the model's size: the frames sampled (video-to-video: at
 * most the pack's longest clip) plus, for extend and connect, every frame of their source clips.
 */
function outputShape(manifest: Manifest, mode: GenerationMode, aspect: string | undefined, frames: number | undefined): OutputShape {
  const sizes = Object.values(manifest.video.sizes);
  const size = aspect !== undefined ? resolveSize(manifest.video, aspect) : sizes.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
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

/** What the file says about how it was made: the same record as the app's (src/safety/fileProvenance.ts). */
function provenanceOf(options: CliOptions, manifest: Manifest, video: ModeVideo, scaled: Frames): ProvenanceInfo {
  return {
    settings: {
      prompt: options.prompt,
      negativePrompt: options.negative,
      aspect: video.aspect,
      frames: video.frames.length,
      steps: video.steps,
      guidance: video.guidance,
      seed: video.seed,
      expandPrompt: options.expand,
    },
    expandedPrompt: video.caption,
    packName: manifest.name,
    packVersion: manifest.version,
    width: scaled.width,
    height: scaled.height,
    fps: video.fps,
    includePrompt: !options.omitPrompt,
  };
}

/**
 * Watermarks the pixels that are written (every frame; a multi-frame PNG's strip as one image, so the
 * file itself is checkable) and adds the record where the format has room: MP4 and PNG, not y4m.
 * A multi-frame PNG is one row of frames, not a near-square grid: the mark's canonical plane follows
 * the image's shorter side, so a 3×3 grid shrinks every frame 3× on it and the picture's edges land
 * in the mark's band (a 9-frame grid of the trained pack was not detected at 36.6 dB; the same frames
 * as a strip are, at 38.3 dB, with ln p ≈ −182).
 */
async function write(options: CliOptions, video: Frames, fps: number, info: ProvenanceInfo): Promise<void> {
  switch (options.format) {
    case 'png': {
      const sheet = video.frames.length === 1 ? { width: video.width, height: video.height, rgba: video.frames[0]! } : contactSheet(video, video.frames.length);
      const [rgba] = await applyWatermark([sheet.rgba], info, sheet.width, sheet.height);
      const png = addPngText(encodePng(sheet.width, sheet.height, rgba!), provenancePngText(await fileRecord(info)));
      return writeFile(options.out, png);
    }
    case 'y4m':
      return writeFile(options.out, encodeY4m({ ...video, frames: await applyWatermark([...video.frames], info) }, fps));
    case 'mp4': {
      const record = await fileRecord(info);
      const metadata = [...provenanceFfmpegArgs(record), '-metadata', `description=${MP4_DESCRIPTION}`, '-metadata', `date=${record.created}`];
      return writeMp4(options.out, { ...video, frames: await applyWatermark([...video.frames], info) }, fps, metadata);
    }
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
