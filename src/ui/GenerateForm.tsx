/**
 * The prompt, the main choices, "Advanced", and Generate / Generate 4 / Cancel. Generating queues a
 * job, so the form stays usable while jobs run; Ctrl/Cmd+Enter generates; Cancel stops the running job.
 */
import type { FormEvent, KeyboardEvent } from 'react';
import { setPrompt } from '../state/actions';
import { cancelRunningJob, queueFromForm, VARIATION_COUNT } from '../state/queueActions';
import { durationOptions, promptGuide, promptPlaceholder } from '../state/selectors';
import { useStore } from '../state/store';
import { AdvancedSettings } from './AdvancedSettings';
import { ExpandedPrompt } from './ExpandedPrompt';
import { ModeControl } from './ModeControl';

export function GenerateForm() {
  const prompt = useStore((s) => s.prompt);
  const aspect = useStore((s) => s.aspect);
  const frames = useStore((s) => s.frames);
  const pack = useStore((s) => s.pack);
  // The size a clip is decoded at (tessera-tiny-2 renders 4× its model size), before Output size.
  const upscale = pack?.decoderUpscale ?? 1;
  const ready = useStore((s) => s.engineStatus === 'ready');
  const running = useStore((s) => s.status === 'running');
  const fixedSeed = useStore((s) => (s.seedMode === 'fixed' ? s.seed : null));
  const errorField = useStore((s) => s.error?.field);
  const setSettings = useStore((s) => s.setSettings);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void queueFromForm();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void queueFromForm();
    }
  };

  return (
    <form className="panel form" onSubmit={onSubmit} onKeyDown={onKeyDown} aria-label="Generate a video">
      <label htmlFor="prompt">Prompt</label>
      <textarea
        id="prompt"
        value={prompt}
        rows={3}
        placeholder={promptPlaceholder(pack)}
        aria-invalid={errorField === 'prompt' || undefined}
        aria-describedby="prompt-hint expanded-prompt"
        onChange={(e) => setPrompt(e.target.value)}
      />
      <p id="prompt-hint" className="hint" data-testid="prompt-guide">
        {promptGuide(pack)}
      </p>
      <ExpandedPrompt />
      <ModeControl />

      <div className="row">
        <div className="field">
          <label htmlFor="aspect">Aspect ratio</label>
          <select id="aspect" value={aspect} onChange={(e) => setSettings({ aspect: e.target.value })} aria-invalid={errorField === 'aspect' || undefined}>
            {Object.entries(pack?.sizes ?? { [aspect]: { width: 0, height: 0 } }).map(([key, size]) => (
              <option key={key} value={key}>
                {key}
                {size.width > 0 ? ` (${size.width * upscale}×${size.height * upscale})` : ''}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="duration">Duration</label>
          <select id="duration" value={frames} onChange={(e) => setSettings({ frames: Number(e.target.value) })} aria-invalid={errorField === 'frames' || undefined}>
            {(pack ? durationOptions(pack) : [{ frames, label: `${frames} frames` }]).map((option) => (
              <option key={option.frames} value={option.frames}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </div>

      <AdvancedSettings />

      <div className="actions">
        <button type="submit" className="primary" disabled={!ready}>
          Generate
        </button>
        <button type="button" onClick={() => void queueFromForm(VARIATION_COUNT)} disabled={!ready} aria-describedby="variations-hint">
          Generate {VARIATION_COUNT}
        </button>
        <button type="button" onClick={cancelRunningJob} disabled={!running}>
          Cancel
        </button>
      </div>
      <p id="variations-hint" className="hint">
        Generate {VARIATION_COUNT} queues {VARIATION_COUNT} variations: the same settings with seeds derived from{' '}
        {fixedSeed === null ? 'a random seed' : `seed ${fixedSeed}`}.
      </p>
    </form>
  );
}
