/**
 * The storyboard: a horizontal timeline of text, keyframe and clip cards, the board's total length,
 * the planner's reasons where the pack cannot render a card as asked, export/import as JSON, and
 * Render (the board queued as a job, even behind others) with progress per segment, a live preview
 * and Cancel while it renders.
 */
import { useMemo, useRef } from 'react';
import { cancelStoryboard, exportBoard, importBoard, renderStoryboard } from '../state/storyboardActions';
import { progressFraction } from '../state/queueSelectors';
import { judgeBoard } from '../state/storyboardBoard';
import { formatSeconds, layoutCards, totalSeconds } from '../state/storyboardCards';
import { addCard, moveCard, setBoardSettings } from '../state/storyboardEditActions';
import { useStore } from '../state/store';
import { PreviewCanvas } from './PreviewCanvas';
import { StoryboardCard } from './StoryboardCard';

export function Storyboard() {
  const cards = useStore((s) => s.storyboardCards);
  const aspect = useStore((s) => s.storyboardAspect);
  const seed = useStore((s) => s.storyboardSeed);
  const steps = useStore((s) => s.storyboardSteps);
  const pack = useStore((s) => s.pack);
  const running = useStore((s) => s.storyboardStatus === 'running');
  const ready = useStore((s) => s.engineStatus === 'ready');
  const announcement = useStore((s) => s.storyboardAnnouncement);
  const dragged = useRef<number | null>(null);
  const importInput = useRef<HTMLInputElement>(null);
  const fps = pack?.fps ?? 8;
  const spans = layoutCards(cards, fps);
  // What the pack makes of the board as it stands: the length it renders and each card's problem.
  const verdict = useMemo(() => (pack && cards.length > 0 ? judgeBoard({ aspect, seed, steps, cards }, pack) : null), [pack, aspect, seed, steps, cards]);
  const renderable = verdict !== null && verdict.problemsByCard.size === 0 && verdict.boardProblems.length === 0;

  return (
    <section className="panel storyboard" aria-labelledby="storyboard-heading">
      <h2 id="storyboard-heading">Storyboard</h2>
      <div className="row">
        <div className="field">
          <label htmlFor="story-aspect">Aspect ratio</label>
          <select id="story-aspect" value={aspect} disabled={running} onChange={(e) => setBoardSettings({ storyboardAspect: e.target.value })}>
            {Object.keys(pack?.sizes ?? { [aspect]: null }).map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="story-seed">Seed</label>
          <input id="story-seed" type="number" min={0} max={4294967295} value={seed} disabled={running} onChange={(e) => setBoardSettings({ storyboardSeed: e.target.valueAsNumber >>> 0 })} />
        </div>
        <div className="field">
          <label htmlFor="story-steps">Steps per segment</label>
          <input
            id="story-steps"
            type="number"
            min={1}
            max={200}
            value={steps ?? pack?.defaultSteps ?? ''}
            disabled={running}
            onChange={(e) => setBoardSettings({ storyboardSteps: Number.isInteger(e.target.valueAsNumber) && e.target.valueAsNumber >= 1 ? e.target.valueAsNumber : null })}
          />
        </div>
      </div>
      <div className="row story-add" role="group" aria-label="Add a card">
        <button type="button" onClick={() => addCard('text')} disabled={running}>
          + Text
        </button>
        <button type="button" onClick={() => addCard('image')} disabled={running}>
          + Keyframe image
        </button>
        <button type="button" onClick={() => addCard('clip')} disabled={running}>
          + Clip
        </button>
      </div>
      <p className="hint" id="timeline-hint">
        Drag a card, or focus it and press Alt+← / Alt+→, to move it. Total length: <strong data-testid="story-total">{formatSeconds(totalSeconds(cards, fps))}</strong>
        {verdict && verdict.plan.totalFrames > 0 && (
          <>
            {' '}
            · renders as <span data-testid="story-rendered">{formatSeconds(verdict.plan.totalFrames / fps)}</span> ({verdict.plan.totalFrames} frames in {verdict.plan.segments.length} segments)
          </>
        )}
      </p>
      <ol className="timeline" aria-label="Timeline" aria-describedby="timeline-hint">
        {cards.map((card, index) => (
          <StoryboardCard
            key={card.id}
            card={card}
            index={index}
            count={cards.length}
            span={spans[index]!}
            issue={verdict?.problemsByCard.get(card.id) ?? null}
            disabled={running}
            onDragStart={(from) => (dragged.current = from)}
            onDrop={(to) => {
              const from = dragged.current;
              dragged.current = null;
              if (from !== null) moveCard(cards[from]!.id, to);
            }}
          />
        ))}
      </ol>
      {cards.length === 0 && <p className="hint">Add a text card to start: each card is a stretch of the video, in order.</p>}
      {verdict?.boardProblems.map((problem) => (
        <p key={problem} className="story-issue" role="note">
          {problem}
        </p>
      ))}
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      <StoryboardStatus />
      <div className="actions">
        <button type="button" className="primary" onClick={() => void renderStoryboard()} disabled={!ready || !renderable}>
          Render storyboard
        </button>
        <button type="button" onClick={cancelStoryboard} disabled={!running}>
          Cancel
        </button>
        <button type="button" onClick={() => exportBoard()} disabled={cards.length === 0}>
          Export JSON
        </button>
        <button type="button" onClick={() => importInput.current?.click()} disabled={running}>
          Import JSON…
        </button>
        <input
          ref={importInput}
          type="file"
          accept="application/json,.json"
          hidden
          aria-label="Import a storyboard JSON file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void importBoard(file);
            e.target.value = '';
          }}
        />
      </div>
    </section>
  );
}

/** Segment i of N, its step, a bar over the whole board, the live preview; or the last error. */
function StoryboardStatus() {
  const progress = useStore((s) => s.storyboardProgress);
  const running = useStore((s) => s.storyboardStatus === 'running');
  const error = useStore((s) => s.storyboardError);
  if (error) {
    return (
      <p className="notice alert" role="alert" data-code={error.code}>
        {error.message}
      </p>
    );
  }
  if (!running || !progress) return null;
  return (
    <div className="progress story-progress" aria-label="Storyboard progress">
      <p role="status" data-testid="story-progress">
        Segment {progress.segment + 1} of {progress.total} ({progress.label}): step {progress.step} of {progress.steps}
      </p>
      <progress max={1} value={progressFraction(progress)} aria-label="Storyboard render progress" />
      <PreviewCanvas />
    </div>
  );
}
