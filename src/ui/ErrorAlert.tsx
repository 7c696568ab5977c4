/** Errors in words a person can act on; the engine writes the sentence, this adds the next step. */
import type { EngineErrorData } from '../engine/protocol';
import { dismissError, startEngine, startOptionsFromUrl } from '../state/actions';
import { useStore } from '../state/store';

const TITLES: Partial<Record<EngineErrorData['code'], string>> = {
  'bad-settings': 'Check the settings',
  'policy-refused': 'Prompt refused',
  'out-of-memory': 'Out of memory',
  'device-lost': 'The GPU stopped responding',
  'webgpu-unavailable': 'WebGPU unavailable',
  'model-unavailable': 'The model could not be loaded',
  'manifest-invalid': 'The model pack is broken',
  'pack-too-large': 'The model pack is too large for this device',
  'encoder-unavailable': 'Video encoding unavailable',
};

export function ErrorAlert() {
  const error = useStore((s) => s.error);
  const engineError = useStore((s) => s.engineError);
  const shown = error ?? engineError;
  if (!shown) return null;
  return (
    <div className="panel alert" role="alert" data-code={shown.code}>
      <strong>{TITLES[shown.code] ?? 'Something went wrong'}</strong>
      <p>{shown.message}</p>
      {error ? (
        <button type="button" onClick={dismissError}>
          Dismiss
        </button>
      ) : (
        <button type="button" onClick={() => void startEngine(startOptionsFromUrl(location.href))}>
          Try again
        </button>
      )}
    </div>
  );
}
