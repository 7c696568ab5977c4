/** The Mode control: text, image → video, extend, video → video, loop or connect, with the sources each needs. */
import { chooseCurrentResult, chooseUpload, clearSource, MODE_OPTIONS, setMode } from '../state/modeActions';
import type { ModeKind } from '../engine/modeProtocol';
import { useStore } from '../state/store';

const IMAGE_TYPES = 'image/png,image/jpeg,image/webp,.png,.jpg,.jpeg,.webp,.y4m,video/mp4,.mp4';
const CLIP_TYPES = 'video/mp4,.mp4,.y4m,video/webm,.webm,image/png,.png';

const HINTS: Record<ModeKind, string> = {
  text: 'A clip or an image (choose “Image” as the duration) from the prompt alone.',
  'image-to-video': 'The clip starts from the image; the prompt says how it moves.',
  extend: 'New frames continue the clip (forward) or lead into it (backward); the duration is the length sampled, overlap included.',
  'video-to-video': 'Re-generates the clip with the prompt: 0 keeps it, 1 ignores it.',
  loop: 'The last frame flows into the first, for seamless repeats (the loop is a few frames shorter than the duration).',
  connect: 'A transition from the end of the first clip to the start of the second.',
};

export function ModeControl() {
  const mode = useStore((s) => s.mode);
  const direction = useStore((s) => s.extendDirection);
  const strength = useStore((s) => s.strength);
  const errorField = useStore((s) => s.error?.field);
  const pack = useStore((s) => s.pack);
  // Until a pack loads, every mode is offered; a pack without a VAE encoder cannot start from frames.
  const sourceModes = pack?.sourceModes ?? true;
  const unavailable = !sourceModes && MODE_OPTIONS.some((option) => option.kind === mode && option.fromSource);
  return (
    <fieldset className="mode" aria-describedby="mode-hint">
      <legend>Mode</legend>
      <select id="mode" aria-label="Mode" value={mode} onChange={(e) => setMode({ mode: e.target.value as ModeKind })}>
        {MODE_OPTIONS.map((option) => (
          <option key={option.kind} value={option.kind} disabled={option.fromSource && !sourceModes}>
            {option.label}
            {option.fromSource && !sourceModes ? ' (not with this model)' : ''}
          </option>
        ))}
      </select>
      <p id="mode-hint" className="hint">
        {unavailable && `${pack?.name} has no VAE encoder, so it cannot start from an image or a clip: choose Text or Loop. `}
        {HINTS[mode]}
        {mode !== 'text' && mode !== 'loop' && ' The aspect ratio follows the source (centre-cropped).'}
      </p>
      {mode === 'image-to-video' && <SourcePicker slot="sourceA" label="Image" accept={IMAGE_TYPES} invalid={errorField === 'source'} />}
      {(mode === 'extend' || mode === 'video-to-video') && <SourcePicker slot="sourceA" label="Clip" accept={CLIP_TYPES} invalid={errorField === 'source'} />}
      {mode === 'connect' && (
        <>
          <SourcePicker slot="sourceA" label="First clip" accept={CLIP_TYPES} invalid={errorField === 'source'} />
          <SourcePicker slot="sourceB" label="Second clip" accept={CLIP_TYPES} invalid={errorField === 'source'} />
        </>
      )}
      {mode === 'extend' && (
        <div className="row" role="radiogroup" aria-label="Direction">
          <label>
            <input type="radio" name="extend-direction" value="forward" checked={direction === 'forward'} onChange={() => setMode({ extendDirection: 'forward' })} /> Forward (after its end)
          </label>
          <label>
            <input type="radio" name="extend-direction" value="backward" checked={direction === 'backward'} onChange={() => setMode({ extendDirection: 'backward' })} /> Backward (before its start)
          </label>
        </div>
      )}
      {mode === 'video-to-video' && (
        <div className="field">
          <label htmlFor="strength">Strength {strength.toFixed(2)}</label>
          <input id="strength" type="range" min={0} max={1} step={0.05} value={strength} onChange={(e) => setMode({ strength: e.target.valueAsNumber })} />
        </div>
      )}
    </fieldset>
  );
}

/** A file input, or "use the current result" (a new result or a gallery clip opened in the player). */
function SourcePicker({ slot, label, accept, invalid }: { slot: 'sourceA' | 'sourceB'; label: string; accept: string; invalid: boolean }) {
  const choice = useStore((s) => s[slot]);
  const result = useStore((s) => s.result);
  const id = `${slot}-file`;
  return (
    <div className="field source">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        accept={accept}
        aria-invalid={(invalid && !choice) || undefined}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) chooseUpload(slot, file);
          e.target.value = '';
        }}
      />
      <div className="row">
        {/* Connect shows two pickers: the name says which source each button sets, for screen readers too. */}
        <button
          type="button"
          disabled={!result}
          onClick={() => chooseCurrentResult(slot)}
          aria-label={`Use the current result as the ${label.toLowerCase()}`}
          title="The clip in the result panel; open a gallery clip to use it"
        >
          Use the current result
        </button>
        {choice && (
          <button type="button" className="link" onClick={() => clearSource(slot)} aria-label={`Clear the ${label.toLowerCase()}`}>
            Clear
          </button>
        )}
      </div>
      <p className="hint" data-testid={`${slot}-chosen`}>
        {choice ? `Using: ${choice.kind === 'upload' ? choice.name : `the result “${choice.label}”`}` : 'Nothing chosen yet.'}
      </p>
    </div>
  );
}
