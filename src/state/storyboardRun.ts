/**
 * Runs one queued storyboard job on the engine, with its segment-by-segment progress and the live
 * preview in the store for the storyboard page and the queue panel. The queue owns the outcome, as for
 * a generation: it keeps the result in the gallery, then calls `showStoryboardResult`.
 */
import type { EngineProgress, GenerateResult, StoryboardSegmentEvent } from '../engine/protocol';
import { resolveOutputScale } from '../media/outputScale';
import type { StoryboardJobInput } from '../queue/queueTypes';
import { renderStoryboardOnEngine, showResult } from './actions';
import { publishPreview } from './previewChannel';
import type { StoryboardSegmentProgress } from './storyboardSlice';
import { useStore } from './store';

/** Store updates from progress at most this often, as for a single generation. */
const PROGRESS_INTERVAL_MS = 100;
const SEGMENT_LABELS: Record<StoryboardSegmentEvent['mode'], string> = {
  'text-to-video': 'text to video',
  'image-to-video': 'from the keyframe',
  extend: 'continues',
  'extend-backward': 'leads into the keyframe',
  connect: 'joins',
  clip: 'clip as it is',
};

/** Renders the job's board; on failure or abort its progress is cleared and the error thrown. */
export async function runStoryboardJob(id: string, input: StoryboardJobInput, signal: AbortSignal): Promise<GenerateResult> {
  publishPreview(null);
  useStore.setState({ storyboardStatus: 'running', storyboardRequestId: id, storyboardError: null, storyboardProgress: null });
  const current = () => useStore.getState().storyboardRequestId === id;
  let lastUpdate = 0;
  const onProgress = (progress: EngineProgress) => {
    const shown = useStore.getState().storyboardProgress;
    if (!current() || !shown || progress.stage !== 'denoise') return;
    const now = performance.now();
    if (now - lastUpdate < PROGRESS_INTERVAL_MS && progress.step !== progress.total) return;
    lastUpdate = now;
    useStore.setState({ storyboardProgress: { ...shown, step: progress.step, steps: progress.total } });
  };
  const onSegment = (segment: StoryboardSegmentEvent) => current() && useStore.setState({ storyboardProgress: segmentProgress(segment) });
  try {
    // The same output size as a single clip of the pack: the form's choice, else the pack's default
    const { upscale, pack } = useStore.getState();
    return await renderStoryboardOnEngine(
      { id, board: input.board, media: input.media, includePromptInFile: input.includePromptInFile, upscale: resolveOutputScale(upscale, pack) },
      { onProgress, onSegment, onPreview: (preview) => current() && publishPreview(preview) },
      signal,
    );
  } catch (error) {
    if (current()) clearStoryboardRun();
    throw error;
  }
}

/** Ends the storyboard's running state at once (cancel, failure): the page is usable again. */
export function clearStoryboardRun(): void {
  publishPreview(null);
  useStore.setState({ storyboardStatus: 'idle', storyboardRequestId: null, storyboardProgress: null });
}

/** Shows a finished render (the queue calls it once the gallery holds the file) with its seam figure. */
export function showStoryboardResult(result: GenerateResult): void {
  showResult(result);
  useStore.setState({ storyboardStatus: 'idle', storyboardRequestId: null, storyboardProgress: null });
  if (result.seams) {
    const { ratio, meanSeam, meanGroupStep } = result.seams;
    useStore.setState({ storyboardAnnouncement: `Rendered ${result.frames} frames. Seams ${meanSeam.toFixed(1)} against the clip's own ${meanGroupStep.toFixed(1)} (${ratio.toFixed(2)}×).` });
  }
}

function segmentProgress(segment: StoryboardSegmentEvent): StoryboardSegmentProgress {
  const prompt = segment.prompt ? `: ${segment.prompt.length > 40 ? `${segment.prompt.slice(0, 39)}…` : segment.prompt}` : '';
  return { segment: segment.index, total: segment.total, label: `${SEGMENT_LABELS[segment.mode]}${prompt}`, step: 0, steps: segment.steps };
}
