/**
 * The storyboard format (docs/storyboard.md): a timeline of cards rendered as one video. A board is
 * input from anywhere (a file, the app's import, a video's metadata), so it only becomes one of these
 * types through `parseStoryboard` (storyboardValidator.ts).
 */

/** The `format` value of a storyboard document. */
export const STORYBOARD_FORMAT = 'tessera-storyboard';
/** The version this code reads and writes; a document without `version` is read as this one. */
export const STORYBOARD_VERSION = 1;

/** Where an image card's keyframe is pinned: the board's first, middle or last frame. */
export type KeyframePlace = 'first' | 'middle' | 'last';
export const KEYFRAME_PLACES: readonly KeyframePlace[] = ['first', 'middle', 'last'];

/** A prompt for a stretch of time. */
export interface TextCard {
  readonly type: 'text';
  readonly prompt: string;
  /** How long the stretch lasts. */
  readonly seconds: number;
  /** Where it starts (full form); when given it must be where the card before it ends. */
  readonly start?: number;
}

/** A keyframe: the video passes through this image at one frame. */
export interface ImageCard {
  readonly type: 'image';
  /** Relative to the board file (the CLI), or a name the app maps to an upload or a gallery item. */
  readonly file: string;
  /** Seconds from the board's start, or a place; absent: where the card stands in the sequence. */
  readonly at?: number | KeyframePlace;
}

/** A clip used as it is; the frames around it are generated to join it. */
export interface ClipCard {
  readonly type: 'clip';
  readonly file: string;
  /** Where it starts (full form); when given it must be where the card before it ends. */
  readonly start?: number;
}

export type StoryCard = TextCard | ImageCard | ClipCard;
export type StoryCardType = StoryCard['type'];

/** A checked storyboard, with `format` and `version` filled in. */
export interface Storyboard {
  readonly format: typeof STORYBOARD_FORMAT;
  readonly version: typeof STORYBOARD_VERSION;
  /** A key of the pack's `video.sizes`, e.g. "16:9". */
  readonly aspect: string;
  /** uint32; every segment's seed is derived from it (segmentSeed.ts). */
  readonly seed: number;
  /** Denoising steps per segment (default: the pack's). */
  readonly steps?: number;
  /** Classifier-free guidance (default: the pack's). */
  readonly guidance?: number;
  readonly negativePrompt?: string;
  readonly cards: readonly StoryCard[];
}

/** Bounds of a board, each with its reason in docs/storyboard.md. */
export const STORYBOARD_LIMITS = {
  /** Cards on one board. */
  maxCards: 64,
  /** Characters of a prompt or negative prompt: the pipeline's own limit. */
  maxPromptChars: 2000,
  /** Seconds of one text card, and of the board's text cards together. */
  maxSeconds: 120,
  /** Characters of a file reference. */
  maxFileChars: 512,
  maxSteps: 1000,
  maxGuidance: 50,
  /** Characters of an aspect key such as "16:9". */
  maxAspectChars: 16,
  /** Segments of one plan: 120 s of text at 8 fps is about 35 extends, plus one per image or clip card. */
  maxSegments: 128,
} as const;
