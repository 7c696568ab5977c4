/**
 * Storyboards are input from anywhere (a file, the app's import, a video's metadata), so the reader
 * is fuzzed like the manifest (manifestFuzz.test.ts): seeded mutants of valid boards must give the
 * validator's own error or a board within the bounds, and every accepted board must plan without
 * throwing into a plan whose segments add up.
 */
import { describe, expect, it } from 'vitest';
import { planStoryboard } from '../../src/storyboard/storyboardPlanner';
import { StoryboardError } from '../../src/storyboard/storyboardError';
import { STORYBOARD_LIMITS, type Storyboard } from '../../src/storyboard/storyboardTypes';
import { parseStoryboard } from '../../src/storyboard/storyboardValidator';
import { fuzzSeed, mutateJson, seededRng } from '../fixtures/jsonMutator';

const SEED = fuzzSeed(22);
const CASES = 2000;
/** Half of the mutations land on the cards, where the timing and the file paths are. */
const FOCUS = ['cards'];
const TINY = { fps: 8, frameCounts: [1, 9, 17, 25, 33], temporalCompression: 4, sizes: { '16:9': { width: 56, height: 32 }, '1:1': { width: 32, height: 32 } } };

const STARTS: readonly unknown[] = [
  {
    aspect: '16:9',
    seed: 42,
    cards: [
      { type: 'text', prompt: 'a red circle moving right on a blue background', seconds: 2 },
      { type: 'image', file: 'key.png' },
      { type: 'clip', file: 'intro.y4m' },
      { type: 'text', prompt: 'a red circle moving up on a blue background', seconds: 2 },
    ],
  },
  {
    format: 'tessera-storyboard',
    version: 1,
    aspect: '1:1',
    seed: 7,
    steps: 4,
    guidance: 3.5,
    negativePrompt: 'gray',
    cards: [
      { type: 'image', file: 'a/first.png', at: 'first' },
      { type: 'text', prompt: 'a green square moving left', seconds: 3, start: 0 },
      { type: 'image', file: 'mid.png', at: 'middle' },
      { type: 'clip', file: 'clips/b.y4m', start: 3 },
      { type: 'text', prompt: 'the camera pans left over green hills', seconds: 1.5 },
      { type: 'image', file: 'end.png', at: 'last' },
    ],
  },
];

/** What an accepted board must meet (docs/storyboard.md, "Validation"). */
function expectWithinBounds(board: Storyboard, replay: string): void {
  expect(board.cards.length, replay).toBeGreaterThan(0);
  expect(board.cards.length, replay).toBeLessThanOrEqual(STORYBOARD_LIMITS.maxCards);
  expect(Number.isInteger(board.seed) && board.seed >= 0 && board.seed <= 0xffffffff, replay).toBe(true);
  let seconds = 0;
  for (const card of board.cards) {
    if (card.type === 'text') {
      expect(card.prompt.length, replay).toBeLessThanOrEqual(STORYBOARD_LIMITS.maxPromptChars);
      expect(card.seconds > 0 && Number.isFinite(card.seconds), replay).toBe(true);
      seconds += card.seconds;
    } else {
      expect(card.file, replay).not.toMatch(/^\/|\\|(^|\/)\.\.?(\/|$)|^[a-z][a-z0-9+.-]*:/i);
    }
  }
  expect(seconds, replay).toBeLessThanOrEqual(STORYBOARD_LIMITS.maxSeconds);
  expect(parseStoryboard(JSON.parse(JSON.stringify(board))), replay).toEqual(board);
}

describe('parseStoryboard under mutation fuzzing', () => {
  it(`gives a StoryboardError or a board within the bounds that plans, for ${CASES} mutants (seed ${SEED}; replay with TESSERA_FUZZ_SEED)`, () => {
    const outcomes = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const caseSeed = (SEED + i) >>> 0;
      const rng = seededRng(caseSeed);
      const start = STARTS[Math.floor(rng() * STARTS.length)];
      const mutant = mutateJson(start, rng, 1 + Math.floor(rng() ** 2 * 4), { focus: FOCUS });
      const replay = `case ${i}, seed ${caseSeed} (replay: TESSERA_FUZZ_SEED=${caseSeed}): ${mutant.steps.join('; ')}`;
      let board: Storyboard | undefined;
      let outcome = 'accepted';
      try {
        board = parseStoryboard(mutant.value);
      } catch (error) {
        if (!(error instanceof StoryboardError)) throw new Error(`${replay}: threw ${String(error)}`, { cause: error });
        expect(error.message.length, replay).toBeLessThan(500);
        outcome = `refused at ${error.path.replace(/\[\d+\]/g, '[]').split('.').slice(0, 2).join('.') || '(root)'}`;
      }
      if (board) {
        expectWithinBounds(board, replay);
        const clips = new Map(board.cards.flatMap((c) => (c.type === 'clip' ? [[c.file, 17] as const] : [])));
        const plan = planStoryboard(board, TINY, clips);
        let frame = 0;
        for (const segment of plan.segments) {
          expect(segment.startFrame, replay).toBe(frame);
          frame += segment.frames;
        }
        expect(plan.totalFrames, replay).toBe(frame);
        if (plan.problems.length > 0) outcome = 'accepted with plan problems';
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    console.info(`storyboard fuzz outcomes: ${JSON.stringify([...outcomes].sort((a, b) => b[1] - a[1]))}`);
    const count = (prefix: string) => [...outcomes].filter(([k]) => k.startsWith(prefix)).reduce((s, [, n]) => s + n, 0);
    // The fuzzer must reach both sides: valid mutants (planned cleanly and with problems) and refusals in the cards.
    expect(count('accepted'), JSON.stringify([...outcomes])).toBeGreaterThanOrEqual(100);
    expect(count('accepted with plan problems'), JSON.stringify([...outcomes])).toBeGreaterThanOrEqual(10);
    expect(count('refused at cards'), JSON.stringify([...outcomes])).toBeGreaterThanOrEqual(300);
  });
});
