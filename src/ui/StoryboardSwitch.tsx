/** Switches the editor between the single-clip form and the storyboard; shows the one chosen. */
import { setView } from '../state/storyboardEditActions';
import { useStore } from '../state/store';
import { GenerateForm } from './GenerateForm';
import { Storyboard } from './Storyboard';

export function StoryboardSwitch() {
  const view = useStore((s) => s.view);
  return (
    <>
      <div className="row view-switch" role="group" aria-label="Editor">
        <button type="button" aria-pressed={view === 'form'} onClick={() => setView('form')}>
          Single clip
        </button>
        <button type="button" aria-pressed={view === 'storyboard'} onClick={() => setView('storyboard')}>
          Storyboard
        </button>
      </div>
      {view === 'form' ? <GenerateForm /> : <Storyboard />}
    </>
  );
}
