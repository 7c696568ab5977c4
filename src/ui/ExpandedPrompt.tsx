/** What the model will actually read: the expanded caption and the words it could not use. */
import { useStore } from '../state/store';

export function ExpandedPrompt() {
  const expansion = useStore((s) => s.expansion);
  const enabled = useStore((s) => s.expandPrompt);
  if (!enabled || !expansion) return <p id="expanded-prompt" className="expanded" hidden />;
  return (
    <p id="expanded-prompt" className="expanded" aria-live="polite">
      <span className="label">The model will read:</span> <q data-testid="expanded-prompt">{expansion.caption}</q>
      {expansion.unknownWords.length > 0 && <span className="unknown"> (not understood: {expansion.unknownWords.join(', ')})</span>}
    </p>
  );
}
