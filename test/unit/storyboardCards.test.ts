import { describe, expect, it } from 'vitest';
import { clampSeconds, layoutCards, moveCard, totalSeconds } from '../../src/state/storyboardCards';
import type { KeyframeAt, StoryboardCardDraft } from '../../src/state/storyboardSlice';

const text = (id: string, seconds: number): StoryboardCardDraft => ({ id, kind: 'text', prompt: id, seconds });
const key = (id: string, at: KeyframeAt = null): StoryboardCardDraft => ({ id, kind: 'image', file: `${id}.png`, source: null, at });
const clip = (id: string, frames: number | null): StoryboardCardDraft => ({ id, kind: 'clip', file: `${id}.y4m`, source: null, frames });
const FPS = 8;

describe('storyboard timeline layout', () => {
  it('starts each card where the previous ones end; a keyframe takes no time', () => {
    const cards = [text('a', 2), key('k'), clip('c', 12), text('b', 1)];
    expect(layoutCards(cards, FPS)).toEqual([
      { start: 0, seconds: 2 },
      { start: 2, seconds: 0 },
      { start: 2, seconds: 1.5 },
      { start: 3.5, seconds: 1 },
    ]);
    expect(totalSeconds(cards, FPS)).toBe(4.5);
  });

  it('puts a keyframe pinned at a time or a place there, without moving the cards after it', () => {
    expect(layoutCards([text('a', 2), key('k', 1.5), text('b', 2)], FPS)).toEqual([
      { start: 0, seconds: 2 },
      { start: 1.5, seconds: 0 },
      { start: 2, seconds: 2 },
    ]);
    const places = layoutCards([key('f', 'first'), text('a', 3), key('m', 'middle'), text('b', 1), key('l', 'last')], FPS);
    expect(places.map((span) => span.start)).toEqual([0, 0, 2, 3, 4]);
  });

  it('counts a clip of unknown length as nothing until its length is read', () => {
    expect(totalSeconds([clip('c', null), text('a', 1)], FPS)).toBe(1);
  });
});

describe('moving and resizing cards', () => {
  it('moves a card forward and back, clamping past either end', () => {
    const cards = ['a', 'b', 'c', 'd'];
    expect(moveCard(cards, 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveCard(cards, 3, 1)).toEqual(['a', 'd', 'b', 'c']);
    expect(moveCard(cards, 1, -5)).toEqual(['b', 'a', 'c', 'd']);
    expect(moveCard(cards, 2, 99)).toEqual(['a', 'b', 'd', 'c']);
  });

  it('returns the same list when nothing moves', () => {
    const cards = ['a', 'b'];
    expect(moveCard(cards, 0, 0)).toBe(cards);
    expect(moveCard(cards, 0, -1)).toBe(cards);
    expect(moveCard(cards, 5, 0)).toBe(cards);
  });

  it('snaps a duration to half seconds within 0.5 … 30 s', () => {
    expect(clampSeconds(1.3)).toBe(1.5);
    expect(clampSeconds(0)).toBe(0.5);
    expect(clampSeconds(100)).toBe(30);
    expect(clampSeconds(Number.NaN)).toBe(0.5);
  });
});
