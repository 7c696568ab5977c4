/**
 * Rendering a storyboard in the engine's contract (types only, structured-cloneable): the board in
 * the storyboard format (src/storyboard/), the media its image and clip cards name, and the
 * progress of each segment.
 */
import type { Storyboard } from '../storyboard/storyboardTypes';
import type { SegmentMode } from '../storyboard/storyboardPlan';
import type { MediaInput } from './modeProtocol';

export interface StoryboardRenderRequest {
  /** Identifies the request for cancellation. */
  readonly id: string;
  /**
   * Checked again in the worker (parseStoryboard): it crossed a boundary. Its prompts are sampled as
   * written (no expansion), as `npm run generate -- --storyboard` does, so a board gives the same
   * frames wherever it is rendered.
   */
  readonly board: Storyboard;
  /** Each image and clip card's `file` → its bytes, or the result it names. */
  readonly media: Readonly<Record<string, MediaInput>>;
  /** Integer factor applied to the model's tiny frames before encoding (1 = none). */
  readonly upscale?: number;
  /** Return the decoded frames as raw RGB (tests measure keyframes and seams with them). */
  readonly includeRawFrames?: boolean;
  /** Write the board (with its prompts) into the file's metadata; seed and settings always are. */
  readonly includePromptInFile?: boolean;
}

/** A segment begins: `index` of `total`, how it is made and from which prompt. */
export interface StoryboardSegmentEvent {
  readonly index: number;
  readonly total: number;
  readonly mode: SegmentMode;
  readonly prompt: string;
  /** Denoising steps the segment takes (0 for a clip used as it is). */
  readonly steps: number;
}

/** How abrupt the seams are against the story's own group-to-group steps (src/storyboard/storyboardSeams.ts). */
export interface StoryboardSeams {
  readonly meanSeam: number;
  readonly meanGroupStep: number;
  readonly ratio: number;
  readonly worstRatio: number;
  /** The story frame each seam leads into. */
  readonly frames: readonly number[];
}
