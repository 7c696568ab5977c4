/** Whether saved files carry the prompt (seed and settings always do, so a file can be reproduced). */
import { setPromptInFile } from '../state/shareActions';
import { useStore } from '../state/store';

export function PromptInFileOption() {
  const promptInFile = useStore((s) => s.promptInFile);
  return (
    <label className="check">
      <input type="checkbox" checked={promptInFile} onChange={(e) => setPromptInFile(e.target.checked)} /> Save the prompt in the file (settings and seed are always saved)
    </label>
  );
}
