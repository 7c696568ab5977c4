/** Why a storyboard was refused or its render stopped; callers switch on `code`, never on the message. */
export type StoryboardErrorCode =
  /** The document breaks the format; `path` names the JSON path, e.g. `cards[2].seconds`. */
  | 'invalid-storyboard'
  /** The plan has problems (the pack cannot render it as asked); each names its card. */
  | 'unrenderable'
  /** A card's file is missing from the media given to the renderer, or has the wrong size. */
  | 'missing-media'
  /** A segment's render returned other frames than the plan expects. */
  | 'segment-mismatch'
  | 'aborted';

/** An error of the storyboard: the message starts with the JSON path when there is one. */
export class StoryboardError extends Error {
  override readonly name = 'StoryboardError';

  constructor(
    readonly code: StoryboardErrorCode,
    message: string,
    /** The JSON path of the bad value (`cards[2].seconds`), '' for the whole document. */
    readonly path = '',
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}
