/** The prompt, the main choices, "Advanced", and Generate/Cancel. Ctrl/Cmd+Enter generates. */
import type { FormEvent, KeyboardEvent } from 'react';
import { cancel, generate, setPrompt } from '../state/actions';
import { durationOptions } from '../state/selectors';
import { useStore } from '../state/store';
import { AdvancedSettings } from './AdvancedSettings';
import { ExpandedPrompt } from './ExpandedPrompt';
import { ModeControl } from './ModeControl';

export function GenerateForm() {
  const prompt = useStore((s) => s.prompt);
  const aspect = useStore((s) => s.aspect);
  const frames = useStore((s) => s.frames);
  const pack = useStore((s) => s.pack);
  const ready = useStore((s) => s.engineStatus === 'ready');
  const running = useStore((s) => s.status === 'running');
  const errorField = useStore((s) => s.error?.field);
  const setSettings = useStore((s) => s.setSettings);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void generate();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void generate();
    }
  };

  return (
    <form className="panel form" onSubmit={onSubmit} onKeyDown={onKeyDown} aria-label="Generate a video">
      <label htmlFor="prompt">Prompt</label>
      <textarea
        id="prompt"
        value={prompt}
        rows={3}
        placeholder="a red circle moving left on a blue background"
        aria-invalid={errorField === 'prompt' || undefined}
        aria-describedby="prompt-hint expanded-prompt"
        onChange={(e) => setPrompt(e.target.value)}
      />
      <p id="prompt-hint" className="hint">
        Ctrl+Enter (⌘+Enter) generates. The model knows simple shapes, colours and motions.
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
                {size.width > 0 ? ` (${size.width}×${size.height})` : ''}
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
        <button type="submit" className="primary" disabled={!ready || running}>
          Generate
        </button>
        <button type="button" onClick={cancel} disabled={!running}>
          Cancel
        </button>
      </div>
    </form>
  );
}
