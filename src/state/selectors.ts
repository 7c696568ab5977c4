/** Derived values for the UI, computed from plain store data. */
import type { PackInfo } from '../engine/protocol';
import { formatBytes } from '../lib/formatBytes';
import { defaultOutputScale, offeredOutputScales } from '../media/outputScale';
import type { LoadProgress } from './slices/engineSlice';
import type { GenerationProgress } from './slices/generationSlice';

export interface DurationOption {
  readonly frames: number;
  readonly label: string;
}

/** The pack's frame counts as durations: "Image" for one frame, else seconds at the pack's fps. */
export function durationOptions(pack: PackInfo | null): DurationOption[] {
  if (!pack) return [];
  return pack.frameCounts.map((frames) => ({
    frames,
    label: frames === 1 ? 'Image (1 frame)' : `${(frames / pack.fps).toFixed(1)} s (${frames} frames)`,
  }));
}

export interface OutputScaleOption {
  /** The factor; null is the pack's default, which follows the pack when it changes. */
  readonly factor: number | null;
  readonly label: string;
}

/**
 * Output size's choices for the loaded pack at the form's aspect: the pack's default first, then
 * each offered factor with the file's size, and the user's earlier choice even where this pack
 * would not offer it (a choice is never dropped silently).
 */
export function outputScaleOptions(pack: PackInfo | null, aspect: string, chosen: number | null): OutputScaleOption[] {
  const size = pack?.sizes[aspect];
  if (!pack || !size) return [];
  const decoderUpscale = pack.decoderUpscale ?? 1;
  const decoded = { width: size.width * decoderUpscale, height: size.height * decoderUpscale };
  const sized = (factor: number) => `×${factor} (${decoded.width * factor}×${decoded.height * factor})`;
  const factors = offeredOutputScales(decoded);
  if (chosen !== null && !factors.includes(chosen)) factors.push(chosen);
  return [{ factor: null, label: `Model default, ${sized(defaultOutputScale(pack))}` }, ...factors.map((factor) => ({ factor, label: sized(factor) }))];
}

/** Why the loaded pack offers no prompt expansion, for the greyed option; null when it does or no pack is loaded yet. */
export function expansionUnavailable(pack: PackInfo | null): string | null {
  return pack && !pack.promptExpansion ? `The ${pack.name} model offers no prompt expansion: it reads the prompt as written.` : null;
}

/**
 * What the loaded model understands, said under the prompt: a pack whose architecture expands
 * prompts knows only the caption world it was trained on (tessera-tiny's shapes, colours and
 * motions), and the preview below shows the caption it will read; any other pack reads the prompt
 * as free text, as written.
 */
export function promptGuide(pack: PackInfo | null): string {
  if (!pack) return 'Ctrl+Enter (⌘+Enter) generates.';
  if (pack.promptExpansion) {
    return `Ctrl+Enter (⌘+Enter) generates. ${pack.name} knows only the captions it was trained on (simple shapes, colours and motions): your prompt is rewritten into one, shown below, and words it does not know are left out.`;
  }
  return `Ctrl+Enter (⌘+Enter) generates. ${pack.name} reads your prompt as free text, exactly as written: describe the subject, the setting and the motion in a sentence or two.`;
}

/** An example prompt in the loaded model's terms. */
export function promptPlaceholder(pack: PackInfo | null): string {
  return pack && !pack.promptExpansion ? 'a dog running on a beach at sunset' : 'a red circle moving left on a blue background';
}

const STAGE_WORDS: Record<GenerationProgress['stage'], string> = {
  download: 'Downloading the model',
  load: 'Loading the model',
  encode: 'Reading the prompt',
  denoise: 'Denoising',
  decode: 'Decoding frames',
  mux: 'Encoding the file',
};

/** "Step 3 of 20 · about 4 s left" while denoising, else the stage in words. */
export function progressText(progress: GenerationProgress): string {
  if (progress.stage !== 'denoise') return `${STAGE_WORDS[progress.stage]}…`;
  const eta = progress.etaMs === null ? '' : ` · about ${formatDuration(progress.etaMs)} left`;
  return `Step ${progress.step} of ${progress.total}${eta}`;
}

/** "Loading dit.onnx (1.20 MB of 5.79 MB)…" while files arrive or are read, "Loading dit (2 of 4)…" while sessions are made. */
export function loadText(load: LoadProgress | null): string {
  if (!load) return 'Starting…';
  return `Loading ${load.file} (${load.stage === 'download' ? `${formatBytes(load.loaded)} of ${formatBytes(load.total)}` : `${load.loaded} of ${load.total}`})…`;
}

/** 0.4 s, 12 s, 2 min 5 s */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
