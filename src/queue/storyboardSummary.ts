/**
 * What the queue shows of a storyboard job: its input is the whole board with its sources, so the
 * job's record carries a summary in the generation's terms (prompts, seed, size, steps) for the
 * panel's label, its settings line and the time estimate.
 */
import type { GenerateSettings } from '../engine/protocol';
import type { Storyboard } from '../storyboard/storyboardTypes';

/** A board's text prompts, in order, joined by arrows; "storyboard" for a board of images and clips only. */
export function boardPrompts(board: Pick<Storyboard, 'cards'>): string {
  const prompts = board.cards.flatMap((card) => (card.type === 'text' ? [card.prompt] : []));
  return prompts.length ? prompts.join(' → ') : 'storyboard';
}

/** The job's summary: `totalFrames` as planned; steps and guidance where the board leaves them to the pack. */
export function storyboardSummary(board: Storyboard, totalFrames: number, pack: { readonly defaultSteps: number; readonly defaultGuidance: number }): GenerateSettings {
  return {
    prompt: boardPrompts(board),
    negativePrompt: board.negativePrompt ?? '',
    aspect: board.aspect,
    frames: totalFrames,
    steps: board.steps ?? pack.defaultSteps,
    guidance: board.guidance ?? pack.defaultGuidance,
    seed: board.seed,
    // Boards are sampled as written (storyboardProtocol.ts).
    expandPrompt: false,
  };
}
