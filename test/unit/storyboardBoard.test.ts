import { describe, expect, it } from 'vitest';
import { boardFileName, boardFromDraft, draftFromBoard, galleryIdOf, judgeBoard, sourceFileName, type BoardDraft } from '../../src/state/storyboardBoard';
import type { PackCapabilities } from '../../src/storyboard/packCapabilities';
import { parseStoryboard } from '../../src/storyboard/storyboardValidator';

/** tessera-tiny's capabilities. */
const TINY: PackCapabilities = { fps: 8, frameCounts: [1, 9, 17, 25, 33], temporalCompression: 4, sizes: { '16:9': { width: 56, height: 32 }, '1:1': { width: 32, height: 32 } } };
const upload = (name: string) => ({ kind: 'upload' as const, name, type: 'image/png', url: `blob:${name}` });

const DRAFT: BoardDraft = {
  aspect: '16:9',
  seed: 42,
  steps: 2,
  cards: [
    { id: 'a', kind: 'text', prompt: 'a red circle moving right on a blue background', seconds: 2 },
    { id: 'k', kind: 'image', file: 'key.png', source: upload('key.png'), at: null },
    { id: 'b', kind: 'text', prompt: 'a red circle moving up on a blue background', seconds: 2 },
  ],
};

describe('the editor’s cards and the storyboard format', () => {
  it('writes a board the validator accepts unchanged, and reads it back into the same cards', () => {
    const board = boardFromDraft(DRAFT);
    expect(parseStoryboard(JSON.parse(JSON.stringify(board)))).toEqual(board);
    expect(board.cards).toEqual([
      { type: 'text', prompt: 'a red circle moving right on a blue background', seconds: 2 },
      { type: 'image', file: 'key.png' },
      { type: 'text', prompt: 'a red circle moving up on a blue background', seconds: 2 },
    ]);
    let n = 0;
    const back = draftFromBoard(board, new Map(), () => `id${n++}`);
    expect(boardFromDraft(back)).toEqual(board);
    // An upload is not in the board: the card names it until it is chosen again.
    expect(back.cards[1]).toEqual({ id: 'id1', kind: 'image', file: 'key.png', source: null, at: null });
  });

  it('keeps a keyframe’s place or time, and leaves the steps to the pack when none are chosen', () => {
    const board = boardFromDraft({ ...DRAFT, steps: null, cards: [DRAFT.cards[0]!, { id: 'k', kind: 'image', file: 'key.png', source: null, at: 'middle' }] });
    expect(board.steps).toBeUndefined();
    expect(board.cards[1]).toEqual({ type: 'image', file: 'key.png', at: 'middle' });
  });

  it('names a gallery item gallery/<id> and chooses it again while the gallery holds it', () => {
    const name = sourceFileName({ kind: 'clip', id: 'abc', label: 'a clip' });
    expect(name).toBe('gallery/abc');
    expect(galleryIdOf(name)).toBe('abc');
    expect(galleryIdOf('key.png')).toBeNull();
    // Upload names become names the format accepts (no slash, backslash, control character or scheme).
    expect(['a/b.png', 'c:\\x.png', 'tab\there.png', '..', 'key.png'].map(boardFileName)).toEqual(['a_b.png', 'c__x.png', 'tab_here.png', 'file', 'key.png']);
    for (const file of ['a_b.png', 'c__x.png', 'tab_here.png']) expect(() => parseStoryboard({ aspect: '16:9', seed: 1, cards: [{ type: 'text', prompt: 'a', seconds: 1 }, { type: 'image', file }] })).not.toThrow();
    const board = parseStoryboard({ aspect: '16:9', seed: 1, cards: [{ type: 'clip', file: 'gallery/abc' }, { type: 'clip', file: 'gallery/gone' }, { type: 'text', prompt: 'a red circle moving up', seconds: 1 }] });
    const draft = draftFromBoard(board, new Map([['abc', { label: 'a clip', frames: 17 }]]), () => 'x');
    expect(draft.cards[0]).toMatchObject({ kind: 'clip', source: { kind: 'clip', id: 'abc', label: 'a clip' }, frames: 17 });
    expect(draft.cards[1]).toMatchObject({ kind: 'clip', source: null, frames: null });
  });
});

describe('the planner’s verdict on the timeline', () => {
  it('finds nothing wrong with a board the pack renders, and gives its length', () => {
    const verdict = judgeBoard(DRAFT, TINY);
    expect(verdict.problemsByCard.size).toBe(0);
    expect(verdict.boardProblems).toEqual([]);
    expect(verdict.plan.totalFrames).toBe(34);
  });

  it('marks a card without its image, and a keyframe after the end with the planner’s reason', () => {
    const missing = judgeBoard({ ...DRAFT, cards: DRAFT.cards.map((card) => (card.kind === 'image' ? { ...card, source: null } : card)) }, TINY);
    expect(missing.problemsByCard.get('k')).toBe('Choose an image (the board names “key.png”).');
    const late = judgeBoard({ ...DRAFT, cards: DRAFT.cards.map((card) => (card.kind === 'image' ? { ...card, at: 10 } : card)) }, TINY);
    expect(late.problemsByCard.get('k')).toMatch(/^10 s is after the board's end/);
  });

  it('names a problem of the whole board apart from the cards', () => {
    const verdict = judgeBoard({ ...DRAFT, aspect: '4:3' }, TINY);
    expect(verdict.boardProblems).toEqual(['"4:3" is not offered by this pack; choose one of 16:9, 1:1']);
  });
});
