/**
 * The worker side of a storyboard render: check the board and every prompt, decode the media its
 * cards name at the board's size and the pack's rate, plan it with the clips' real lengths, render
 * the segments in order through the pipeline (src/storyboard/renderStoryboard.ts) with progress and
 * previews per segment, then upscale, watermark and encode one MP4 whose metadata carries the board
 * through the render chain's last steps (src/render/renderClip.ts, `finishClip`).
 */
import { createArchitecture } from '../architectures/registry';
import { decodeMediaFile } from '../input/browserDecode';
import { MediaInputError } from '../input/mediaInputError';
import { rgbaFramesToRgb } from '../media/rgbFrames';
import { MAX_UPSCALE } from '../media/upscale';
import type { Manifest } from '../models/manifest';
import type { Architecture } from '../pipeline/architecture';
import { fitClip, type RgbaClip } from '../pipeline/fitFrames';
import { resolveSize } from '../pipeline/latents';
import type { StepEndEvent } from '../pipeline/textToVideo';
import { generateVideo } from '../pipeline/videoModes';
import { finishClip } from '../render/renderClip';
import { assertPromptsAllowed } from '../safety/promptPolicy';
import { packCapabilities } from '../storyboard/packCapabilities';
import { renderStoryboard, type RenderSegment } from '../storyboard/renderStoryboard';
import { StoryboardError } from '../storyboard/storyboardError';
import { storyPrompt } from '../storyboard/storyboardMetadata';
import { planStoryboard } from '../storyboard/storyboardPlanner';
import { parseStoryboard } from '../storyboard/storyboardValidator';
import type { Storyboard } from '../storyboard/storyboardTypes';
import { emit } from './emit';
import type { EnginePlatform, LoadedPack } from './enginePlatform';
import { EngineError } from './errors';
import type { ResultFrames } from './modeSources';
import type { MediaInput } from './modeProtocol';
import { appContainer } from './outputFile';
import { previewImage } from './previewImage';
import type { GenerateResult, GenerateSettings, StoryboardCallbacks, StoryboardRenderRequest } from './protocol';

/** Progress and previews at most this often, as for a single generation (engine.ts). */
const REPORT_INTERVAL_MS = 100;

/** What the job needs of the engine: where it runs, the loaded pack, and recent results' frames. */
export interface StoryboardJobContext {
  readonly platform: Pick<EnginePlatform, 'encodeMp4' | 'encodePng'>;
  readonly loaded: LoadedPack;
  readonly results: ResultFrames;
}

export async function renderStoryboardJob(context: StoryboardJobContext, request: StoryboardRenderRequest, callbacks: StoryboardCallbacks, signal: AbortSignal): Promise<GenerateResult> {
  const started = performance.now();
  const { loaded } = context;
  const { manifest } = loaded.pack;
  try {
    // 1. Check the board, every prompt the model will read (and the policy on it), and the output
    const board = parseStoryboard(request.board);
    const architecture = createArchitecture(manifest, loaded.runner);
    checkPrompts(board, architecture);
    const upscale = request.upscale ?? 1;
    if (!Number.isInteger(upscale) || upscale < 1 || upscale > MAX_UPSCALE) {
      throw new EngineError('bad-settings', `Upscale factor ${upscale} is not offered; choose a whole number from 1 to ${MAX_UPSCALE}.`, { field: 'upscale' });
    }
    if (!loaded.videoCodec) throw new EngineError('encoder-unavailable', 'This browser cannot encode video (no H.264, VP9 or AV1 encoder in WebCodecs), so a storyboard cannot be rendered here.');
    if (!Object.hasOwn(manifest.video.sizes, board.aspect)) {
      throw new EngineError('bad-settings', `The aspect ratio ${board.aspect} is not offered by this model; choose one of ${Object.keys(manifest.video.sizes).join(', ')}.`, { field: 'aspect' });
    }

    // 2. Every image and clip the cards name, at the board's size and the pack's rate
    const media = await readMedia(board, request.media, manifest, context.results);

    // 3. Plan with the clips' real lengths; a board the pack cannot render as asked is refused here
    const clipFrames = new Map(board.cards.flatMap((card) => (card.type === 'clip' ? [[card.file, media.get(card.file)!.frames.length] as const] : [])));
    const plan = planStoryboard(board, packCapabilities(manifest, architecture), clipFrames);

    // 4. Render the segments in order, with progress and previews per segment
    const steps = board.steps ?? manifest.scheduler.steps;
    const renderSegment: RenderSegment = (piece, aborted) =>
      generateVideo(
        architecture,
        manifest,
        {
          prompt: piece.prompt,
          negativePrompt: piece.negativePrompt,
          seed: piece.seed,
          mode: piece.mode,
          aspect: piece.aspect,
          frames: piece.frames,
          steps,
          guidance: piece.guidance ?? manifest.scheduler.guidance,
          ...(piece.warmStart !== undefined ? { warmStart: piece.warmStart } : {}),
        },
        { signal: aborted, onStage: (stage) => emit(callbacks.onProgress, stage === 'denoise' ? { stage, step: 0, total: steps, t: 1, elapsedMs: 0, etaMs: 0 } : { stage }), onStepEnd: reporter(callbacks, manifest) },
      );
    const story = await renderStoryboard(board, plan, media, renderSegment, {
      signal,
      onProgress: (event) => {
        if (event.stage !== 'segment-start') return;
        const segment = plan.segments[event.segment]!;
        emit(callbacks.onSegment, { index: event.segment, total: event.of, mode: segment.mode, prompt: segment.prompt, steps: segment.mode === 'clip' ? 0 : steps });
      },
    });
    const frames = [...story.frames];
    context.results.keep(request.id, { width: story.width, height: story.height, frames });

    // 5. Upscale, watermark and encode one MP4 whose record carries the board (the render chain's last steps)
    const muxStarted = performance.now();
    const settings = storySettings(board, frames.length, steps, manifest);
    const includePrompt = request.includePromptInFile !== false;
    const finished = await finishClip(
      { width: story.width, height: story.height, frames, fps: story.fps },
      {
        upscale,
        upscaleFilter: 'nearest',
        provenance: { settings, expandedPrompt: settings.prompt, packName: manifest.name, packVersion: manifest.version, includePrompt, storyboard: board },
        container: appContainer(context.platform, loaded.videoCodec, { prompt: includePrompt ? settings.prompt : '', seed: settings.seed }),
        onEncoded: (frame, total) => emit(callbacks.onProgress, { stage: 'mux', frame, total }),
      },
    );
    const muxMs = performance.now() - muxStarted;
    const { seams } = story;
    return {
      id: request.id,
      kind: 'video',
      file: finished.written,
      settings,
      expandedPrompt: settings.prompt,
      expansion: null,
      width: finished.width,
      height: finished.height,
      modelWidth: story.width,
      modelHeight: story.height,
      frames: frames.length,
      fps: story.fps,
      packName: manifest.name,
      backend: loaded.backend,
      timings: { loadMs: 0, encodeMs: 0, denoiseMs: muxStarted - started, decodeMs: 0, muxMs, totalMs: performance.now() - started },
      storyboard: board,
      seams: { meanSeam: seams.meanSeam, meanGroupStep: seams.meanGroupStep, ratio: seams.ratio, worstRatio: seams.worstRatio, frames: seams.seams.map((seam) => seam.frame) },
      ...(request.includeRawFrames ? { rawFrames: rgbaFramesToRgb(frames) } : {}),
    };
  } catch (error) {
    throw error instanceof StoryboardError ? fromStoryboardError(error) : error;
  }
}

/** Each text card's prompt: one the pack's architecture can read, and one the policy allows. */
function checkPrompts(board: Storyboard, architecture: Architecture): void {
  board.cards.forEach((card, i) => {
    if (card.type !== 'text') return;
    try {
      architecture.checkPrompt?.(card.prompt);
      assertPromptsAllowed({ prompt: card.prompt, expandedPrompt: card.prompt, negativePrompt: board.negativePrompt ?? '' });
    } catch (error) {
      // The card's place in the message, so the person knows which prompt to change.
      if (error instanceof Error) error.message = `Card ${i + 1}: ${error.message}`;
      throw error;
    }
  });
}

/** Decodes each file the cards name once; an image card keeps its first frame. */
async function readMedia(board: Storyboard, inputs: StoryboardRenderRequest['media'], manifest: Manifest, results: ResultFrames): Promise<Map<string, RgbaClip>> {
  const size = resolveSize(manifest.video, board.aspect);
  const media = new Map<string, RgbaClip>();
  for (const [i, card] of board.cards.entries()) {
    if (card.type === 'text' || media.has(card.file)) continue;
    const input = Object.hasOwn(inputs, card.file) ? inputs[card.file] : undefined;
    if (!input) throw new EngineError('bad-settings', `Card ${i + 1} names “${card.file}”, which was not given; choose the ${card.type === 'image' ? 'image' : 'clip'} again.`, { field: 'source' });
    const clip = await readInput(input, manifest.video.fps, size, results);
    media.set(card.file, card.type === 'image' ? { ...clip, frames: clip.frames.slice(0, 1) } : clip);
  }
  return media;
}

/** A result's frames when this engine still has them (fitted to the board's size), else its file. */
async function readInput(input: MediaInput, fps: number, size: { width: number; height: number }, results: ResultFrames): Promise<RgbaClip> {
  const kept = input.kind === 'result' ? results.get(input.id) : undefined;
  if (kept) return kept.width === size.width && kept.height === size.height ? kept : fitClip(kept, size);
  const file = input.kind === 'file' ? input : input.fallback;
  if (!file) throw new MediaInputError('unreadable', 'That clip is no longer available; open it from the gallery or upload it again.');
  return decodeMediaFile(file, fps, () => size);
}

/** Throttled step progress with an ETA and latent previews, as a single generation reports them. */
function reporter(callbacks: StoryboardCallbacks, manifest: Manifest): (event: StepEndEvent) => void {
  const denoiseStarted = performance.now();
  let last = 0;
  return (event) => {
    const now = performance.now();
    if (now - last < REPORT_INTERVAL_MS && event.step !== event.total) return;
    last = now;
    const elapsedMs = now - denoiseStarted;
    emit(callbacks.onProgress, { stage: 'denoise', step: event.step, total: event.total, t: event.t, elapsedMs, etaMs: (elapsedMs / event.step) * (event.total - event.step) });
    if (callbacks.onPreview) emit(callbacks.onPreview, previewImage(event, manifest.preview));
  };
}

/** The settings a storyboard's file and gallery entry show: its prompts in order (storyPrompt), the whole length, the board's seed. */
function storySettings(board: Storyboard, frames: number, steps: number, manifest: Manifest): GenerateSettings {
  return {
    prompt: storyPrompt(board),
    negativePrompt: board.negativePrompt ?? '',
    aspect: board.aspect,
    frames,
    steps,
    guidance: board.guidance ?? manifest.scheduler.guidance,
    seed: board.seed,
    expandPrompt: false,
  };
}

/** The board's own errors in the engine's vocabulary, the JSON path as the field. */
function fromStoryboardError(error: StoryboardError): EngineError {
  if (error.code === 'aborted') return new EngineError('aborted', 'Storyboard render cancelled.');
  if (error.code === 'segment-mismatch') return new EngineError('internal', error.message, { detail: error.message });
  return new EngineError('bad-settings', `The storyboard cannot be rendered: ${error.message}`, { field: error.path || 'storyboard' });
}
