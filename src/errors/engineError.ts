/**
 * The error every layer below the page may throw and the page switches on: one class with a `code`
 * from a union, plain data across the worker boundary. It lives below the engine so that the runtime
 * (and anything else under the engine) can throw it without importing the engine; it imports nothing.
 */

/** Why a request failed; the UI switches on this, never on the message. */
export type EngineErrorCode =
  /** A setting is outside what the model pack offers (`field` names it). */
  | 'bad-settings'
  /** The safety policy refused the prompt, expanded prompt or negative prompt. */
  | 'policy-refused'
  /** The user cancelled. */
  | 'aborted'
  /** WebGPU was asked for explicitly but no adapter is available. */
  | 'webgpu-unavailable'
  /** The GPU device was lost and the retry on WASM failed too. */
  | 'device-lost'
  /** Allocation failed on the GPU or in WebAssembly memory. */
  | 'out-of-memory'
  /** A model file could not be fetched, or is not what the manifest promises. */
  | 'model-unavailable'
  /** The pack's manifest is malformed. */
  | 'manifest-invalid'
  /** The pack is well formed but asks for more compute or memory than Tessera allows (src/models/computeBounds.ts). */
  | 'pack-too-large'
  /** The browser cannot encode video (no WebCodecs encoder for H.264, VP9 or AV1). */
  | 'encoder-unavailable'
  /** A generation is already running. */
  | 'busy'
  /** The engine has not been started. */
  | 'not-ready'
  /** Anything else; the message carries the original text. */
  | 'internal';

/** Plain-data form of an error: what crosses the worker boundary. */
export interface EngineErrorData {
  readonly code: EngineErrorCode;
  readonly message: string;
  /** The setting or prompt field concerned, when there is one. */
  readonly field?: string;
  /** Extra detail for logs (original error text), not for users. */
  readonly detail?: string;
}

/** An error the engine reports; `message` is written for the person using the app. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;
  readonly field: string | undefined;
  readonly detail: string | undefined;

  constructor(code: EngineErrorCode, message: string, options: { field?: string; detail?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.detail = options.detail;
  }

  toData(): EngineErrorData {
    return {
      code: this.code,
      message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
    };
  }

  static fromData(data: EngineErrorData): EngineError {
    return new EngineError(data.code, data.message, {
      ...(data.field !== undefined ? { field: data.field } : {}),
      ...(data.detail !== undefined ? { detail: data.detail } : {}),
    });
  }
}

/** True for an error object (from any realm) carrying an engine `code`; never uses `instanceof`. */
export function isEngineError(error: unknown): error is EngineError {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'EngineError' && typeof (error as { code?: unknown }).code === 'string';
}
