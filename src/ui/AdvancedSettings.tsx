/** Steps, guidance, negative prompt, seed (random or fixed), prompt expansion and output size, folded away. */
import { expansionUnavailable } from '../state/selectors';
import { useStore } from '../state/store';
import { OutputScaleOption } from './OutputScaleOption';
import { PromptInFileOption } from './PromptInFileOption';

export function AdvancedSettings() {
  const steps = useStore((s) => s.steps);
  const guidance = useStore((s) => s.guidance);
  const negativePrompt = useStore((s) => s.negativePrompt);
  const seedMode = useStore((s) => s.seedMode);
  const seed = useStore((s) => s.seed);
  const expandPrompt = useStore((s) => s.expandPrompt);
  const noExpansion = useStore((s) => expansionUnavailable(s.pack));
  const errorField = useStore((s) => s.error?.field);
  const setSettings = useStore((s) => s.setSettings);

  return (
    <details className="advanced" open={errorField !== undefined && errorField !== 'prompt' ? true : undefined}>
      <summary>Advanced</summary>
      <div className="row">
        <div className="field">
          <label htmlFor="steps">Steps</label>
          <input id="steps" type="number" inputMode="numeric" value={Number.isNaN(steps) ? '' : steps} onChange={(e) => setSettings({ steps: e.target.valueAsNumber })} aria-invalid={errorField === 'steps' || undefined} />
        </div>
        <div className="field">
          <label htmlFor="guidance">Guidance</label>
          <input id="guidance" type="number" step="0.5" value={Number.isNaN(guidance) ? '' : guidance} onChange={(e) => setSettings({ guidance: e.target.valueAsNumber })} aria-invalid={errorField === 'guidance' || undefined} />
        </div>
      </div>
      <label htmlFor="negative">Negative prompt</label>
      <input id="negative" type="text" value={negativePrompt} placeholder="what to steer away from (optional)" onChange={(e) => setSettings({ negativePrompt: e.target.value })} />

      <fieldset className="seed">
        <legend>Seed</legend>
        <label>
          <input type="radio" name="seed-mode" checked={seedMode === 'random'} onChange={() => setSettings({ seedMode: 'random' })} /> Random
        </label>
        <label>
          <input type="radio" name="seed-mode" checked={seedMode === 'fixed'} onChange={() => setSettings({ seedMode: 'fixed' })} /> Fixed
        </label>
        <input
          aria-label="Seed value"
          type="number"
          min={0}
          max={4294967295}
          value={Number.isNaN(seed) ? '' : seed}
          disabled={seedMode !== 'fixed'}
          aria-invalid={errorField === 'seed' || undefined}
          onChange={(e) => setSettings({ seed: e.target.valueAsNumber })}
        />
      </fieldset>

      {/* A pack that reads free text has no expansion to offer: no option, one line saying why. */}
      {noExpansion === null ? (
        <label className="check">
          <input type="checkbox" checked={expandPrompt} onChange={(e) => setSettings({ expandPrompt: e.target.checked })} /> Expand the prompt into the model's caption style
        </label>
      ) : (
        <p id="no-expansion" className="hint">
          {noExpansion}
        </p>
      )}
      <OutputScaleOption />
      <PromptInFileOption />
    </details>
  );
}
