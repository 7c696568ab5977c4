/** Why a generation was refused or stopped; callers switch on `code`, never on the message. */
export type PipelineErrorCode =
  | 'invalid-prompt'
  | 'invalid-seed'
  | 'invalid-steps'
  | 'invalid-guidance'
  | 'invalid-aspect'
  | 'invalid-frames'
  | 'invalid-conditioning'
  | 'invalid-source'
  | 'aborted'
  | 'model-output';

/** An error of the generation pipeline. Messages name the setting, the value and what is allowed. */
export class PipelineError extends Error {
  override readonly name = 'PipelineError';

  constructor(
    readonly code: PipelineErrorCode,
    message: string,
  ) {
    super(message);
  }
}
