/** The planner's output (storyboardPlanner.ts): the segments a board renders as, in order. */
import type { PieceMode } from './pieceOptions';

/** How a segment is made: a generation mode, or a clip card's frames used as they are. */
export type SegmentMode = PieceMode | 'clip';

/** An image or clip that a segment starts from or reaches. */
export interface SegmentAnchor {
  readonly type: 'image' | 'clip';
  readonly file: string;
  /** Index of its card in `board.cards`. */
  readonly card: number;
}

/** One render step. Frame numbers are indices into the finished story. */
export interface PlannedSegment {
  readonly index: number;
  readonly mode: SegmentMode;
  /** The cards it renders (the text card, then the card it reaches, if any). */
  readonly cards: readonly number[];
  /** The prompt it is sampled with ('' for a clip used as is). */
  readonly prompt: string;
  readonly seed: number;
  /** F: frames sampled (0 for a clip used as is). */
  readonly sampledFrames: number;
  /** k: latent groups kept from the frames before (extend, connect) or from the anchor after (extend-backward, connect). */
  readonly contextGroups?: 1 | 2;
  /** The image an image-to-video segment starts from, or a connect starts from when the board opens with a keyframe. */
  readonly from?: SegmentAnchor;
  /** The keyframe or clip the segment ends in (extend-backward, connect, clip). */
  readonly to?: SegmentAnchor;
  /**
   * Frames at the story's end that it samples again with its own (an overlap of one latent group,
   * videoModes.ts `Overlap`): the executor cuts among them where the two renderings meet best
   * (overlapCut.ts), so its seam lies from startFrame − resamples to startFrame. Set
   * when the story ends in sampled frames (not at a keyframe or clip, which stay as they are).
   */
  readonly resamples?: number;
  /** The first story frame it adds. */
  readonly startFrame: number;
  /** Story frames it adds: the generated ones plus the anchor's (a keyframe: 1; a clip: all its frames). */
  readonly frames: number;
  /** A transition the board did not ask for: two images or clips stood next to each other. */
  readonly implicit: boolean;
  /** Why the pack cannot render it as asked; the segment is then not rendered. */
  readonly problem?: string;
}

/** Something the pack cannot render as the board asks; `card` for the UI to mark, `path` into the JSON. */
export interface PlanProblem {
  readonly card?: number;
  readonly path: string;
  readonly message: string;
}

/** Where a keyframe lands: its image is story frame `frame` (as the autoencoder reconstructs it). */
export interface PlannedKeyframe {
  readonly card: number;
  readonly file: string;
  readonly frame: number;
}

export interface StoryPlan {
  readonly aspect: string;
  /** The model's frame size for the aspect: images and clips are read at it. */
  readonly width: number;
  readonly height: number;
  /** The finished story's frame size: the decoder's output (larger than the model's with a super-resolving decoder). */
  readonly decodedWidth: number;
  readonly decodedHeight: number;
  readonly fps: number;
  /** g: frames per latent group of the pack (the executor cuts sampled clips with it). */
  readonly temporalCompression: number;
  readonly segments: readonly PlannedSegment[];
  readonly keyframes: readonly PlannedKeyframe[];
  /** Frames of the finished story. */
  readonly totalFrames: number;
  /** Empty when the whole board can be rendered. */
  readonly problems: readonly PlanProblem[];
}
