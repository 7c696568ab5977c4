/**
 * Engine errors: one class with a `code` from a union, rebuilt on the main thread from plain data
 * (comlink's default error transfer keeps only the message and loses the type), so the UI switches
 * on `code` and shows words a person can act on.
 */
import { transferHandlers, type TransferHandler } from 'comlink';

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

const OOM = /out of memory|oom|allocation failed|failed to allocate|memory access out of bounds|RangeError: Array buffer allocation|could not allocate/i;
const DEVICE_LOST = /device (was |is )?lost|GPUDevice.*lost|device-lost/i;

/**
 * Any thrown value → an EngineError. Known typed errors (pipeline, manifest, policy) keep their
 * meaning through their `code`/`name`; unknown ones are classified by their text as a last resort.
 */
export function toEngineError(error: unknown): EngineError {
  if (isEngineError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown; message?: unknown; field?: unknown };
  const text = typeof e.message === 'string' ? e.message : String(error);
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'policy-refused') {
    return new EngineError('policy-refused', text, { ...(typeof e.field === 'string' ? { field: e.field } : {}) });
  }
  if (name === 'PipelineError') {
    if (code === 'aborted') return new EngineError('aborted', 'Generation cancelled.');
    if (code.startsWith('invalid-')) {
      const field = code.slice('invalid-'.length);
      return new EngineError('bad-settings', sentence(text), { field });
    }
    return new EngineError('internal', `The model produced an unusable result: ${text}`, { detail: text });
  }
  if (name === 'MediaInputError') {
    return new EngineError('bad-settings', sentence(text), { field: 'source', detail: code });
  }
  if (name === 'ManifestError') {
    // A pack too big for a browser is well formed: reinstalling it cannot help, so say what can.
    if (code === 'exceeds-limit') return new EngineError('pack-too-large', `The model pack is too large to run here: ${text}`, { detail: text });
    return new EngineError('manifest-invalid', `The model pack's manifest is not valid (${text}). Reinstall the model or choose another pack.`, { detail: text });
  }
  if (name === 'ModelLoadError') {
    return new EngineError('model-unavailable', `The model could not be loaded: ${text}. Reload to download it again.`, { detail: text });
  }
  if (name === 'AbortError') return new EngineError('aborted', 'Generation cancelled.');
  if (DEVICE_LOST.test(text)) return new EngineError('device-lost', 'The GPU stopped responding (device lost).', { detail: text });
  if (OOM.test(text)) {
    return new EngineError('out-of-memory', 'Ran out of memory. Choose a shorter duration or a smaller aspect ratio, close other GPU-heavy tabs, and try again.', {
      detail: text,
    });
  }
  return new EngineError('internal', `Something went wrong inside the engine: ${text}`, { detail: text });
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * Replaces comlink's "throw" transfer handler on both sides so errors cross the worker boundary as
 * EngineErrorData and come back as EngineError with their `code`. Call once per realm.
 */
export function installErrorTransfer(): void {
  const original = transferHandlers.get('throw');
  if (!original) return;
  const handler: TransferHandler<{ value: unknown }, EngineErrorData> = {
    // comlink marks thrown values with a private symbol; its own check recognises them.
    canHandle: (value): value is { value: unknown } => original.canHandle(value),
    serialize: ({ value }) => [toEngineError(value).toData(), []],
    deserialize: (data) => {
      throw EngineError.fromData(data);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
