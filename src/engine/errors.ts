/**
 * Engine errors across the worker boundary: any thrown value classified as an EngineError
 * (src/errors/engineError.ts), and comlink's error transfer replaced so the error is rebuilt on the
 * main thread from plain data (comlink's default keeps only the message and loses the type), so the
 * UI switches on `code` and shows words a person can act on.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { EngineError, isEngineError, type EngineErrorData } from '../errors/engineError';

export { EngineError, isEngineError, type EngineErrorCode, type EngineErrorData } from '../errors/engineError';

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
