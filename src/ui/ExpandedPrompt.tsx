/**
 * What the model will actually read: the expanded caption, editable before generating, the words it
 * could not use, and the words with letters outside its alphabet (so nothing is dropped silently).
 */
import { useState } from 'react';
import { editCaption, editedCaption } from '../state/modeActions';
import { useStore } from '../state/store';

export function ExpandedPrompt() {
  const expansion = useStore((s) => s.expansion);
  const enabled = useStore((s) => s.expandPrompt);
  const edited = useStore((s) => editedCaption(s));
  const [editing, setEditing] = useState(false);
  if (!expansion) return <p id="expanded-prompt" className="expanded" hidden />;
  // The tokenizer drops letters outside a-z and 0-9 with or without expansion: say so either way.
  const outside = expansion.outsideAlphabet.length > 0 && (
    <p className="unknown" data-testid="outside-alphabet">
      Words with letters the model cannot read (only a–z and 0–9 reach it): {expansion.outsideAlphabet.join(', ')}
    </p>
  );
  if (!enabled) {
    return outside ? (
      <div id="expanded-prompt" className="expanded" aria-live="polite">
        {outside}
      </div>
    ) : (
      <p id="expanded-prompt" className="expanded" hidden />
    );
  }
  const caption = edited ?? expansion.caption;
  return (
    <div id="expanded-prompt" className="expanded" aria-live="polite">
      {editing ? (
        <>
          <label htmlFor="caption" className="label">
            The model will read (edit it; words it does not know are marked below):
          </label>
          <textarea id="caption" rows={2} value={caption} onChange={(e) => editCaption(expansion.caption, e.target.value)} />
          <div className="row">
            <button type="button" onClick={() => setEditing(false)}>
              Done
            </button>
            <button type="button" className="link" disabled={edited === null} onClick={() => editCaption(expansion.caption, expansion.caption)}>
              Use the expansion
            </button>
          </div>
        </>
      ) : (
        <p>
          <span className="label">The model will read{edited !== null ? ' (edited)' : ''}:</span> <q data-testid="expanded-prompt">{caption}</q>{' '}
          <button type="button" className="link" onClick={() => setEditing(true)} aria-controls="expanded-prompt">
            Edit
          </button>
        </p>
      )}
      {expansion.unknownWords.length > 0 && <p className="unknown">Not understood (left out): {expansion.unknownWords.join(', ')}</p>}
      {outside}
    </div>
  );
}
