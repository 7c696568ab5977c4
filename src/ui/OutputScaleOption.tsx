/**
 * Output size: how much the saved file enlarges the decoded frames (nearest neighbour). "Model
 * default" follows the loaded pack (×4 for tessera-tiny, ×1 for Wan2.1), also after a switch; a
 * factor picked here stays the user's until they pick the default again.
 */
import { outputScaleOptions } from '../state/selectors';
import { useStore } from '../state/store';

const DEFAULT_VALUE = 'default';

export function OutputScaleOption() {
  const pack = useStore((s) => s.pack);
  const aspect = useStore((s) => s.aspect);
  const upscale = useStore((s) => s.upscale);
  const setSettings = useStore((s) => s.setSettings);
  const options = outputScaleOptions(pack, aspect, upscale);
  if (options.length === 0) return null;
  return (
    <div className="field">
      <label htmlFor="output-scale">Output size</label>
      <select
        id="output-scale"
        value={upscale === null ? DEFAULT_VALUE : String(upscale)}
        onChange={(e) => setSettings({ upscale: e.target.value === DEFAULT_VALUE ? null : Number(e.target.value) })}
      >
        {options.map((option) => (
          <option key={option.factor ?? DEFAULT_VALUE} value={option.factor === null ? DEFAULT_VALUE : String(option.factor)}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
