import { describe, expect, it } from 'vitest';
import { StoryboardError } from '../../src/storyboard/storyboardError';
import { STORYBOARD_LIMITS } from '../../src/storyboard/storyboardTypes';
import { parseStoryboard } from '../../src/storyboard/storyboardValidator';

/** The minimal form from issue 22, which scripts rely on. */
const MINIMAL = {
  aspect: '16:9',
  seed: 42,
  cards: [
    { type: 'text', prompt: 'a red circle moving right on a blue background', seconds: 2 },
    { type: 'image', file: 'key.png' },
    { type: 'clip', file: 'intro.y4m' },
    { type: 'text', prompt: 'a red circle moving up on a blue background', seconds: 2 },
  ],
};

const withCard = (index: number, card: unknown) => ({ ...MINIMAL, cards: MINIMAL.cards.map((c, i) => (i === index ? card : c)) });

/** The error parseStoryboard throws for `value` (fails the test if it accepts it). */
function refusal(value: unknown): StoryboardError {
  try {
    parseStoryboard(value);
  } catch (error) {
    expect(error).toBeInstanceOf(StoryboardError);
    return error as StoryboardError;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('parseStoryboard', () => {
  it('reads the minimal form of the issue and fills in format and version', () => {
    const board = parseStoryboard(MINIMAL);
    expect(board).toEqual({ format: 'tessera-storyboard', version: 1, ...MINIMAL });
  });

  it('reads the full form: starts, pinned keyframes, steps, guidance and a negative prompt', () => {
    const full = {
      format: 'tessera-storyboard',
      version: 1,
      aspect: '1:1',
      seed: 7,
      steps: 4,
      guidance: 3.5,
      negativePrompt: 'gray',
      cards: [
        { type: 'image', file: 'a/first.png', at: 'first' },
        { type: 'text', prompt: 'a red circle moving right', seconds: 1.5, start: 0 },
        { type: 'image', file: 'mid.png', at: 0.75 },
        { type: 'clip', file: 'clips/b.y4m', start: 1.5 },
      ],
    };
    expect(parseStoryboard(full)).toEqual(full);
    expect(parseStoryboard(JSON.parse(JSON.stringify(parseStoryboard(full))))).toEqual(full);
  });

  it.each([
    [withCard(0, { type: 'text', prompt: 'a red circle', seconds: 0 }), 'cards[0].seconds', /above 0/],
    [withCard(3, { type: 'text', prompt: 'a red circle', seconds: '2' }), 'cards[3].seconds', /"2" is not a number/],
    [withCard(0, { type: 'text', prompt: '   ', seconds: 1 }), 'cards[0].prompt', /blank/],
    [withCard(0, { type: 'text', prompt: 'x'.repeat(2001), seconds: 1 }), 'cards[0].prompt', /2001 characters/],
    [withCard(0, { type: 'text', prompt: 'a', seconds: 1, speed: 2 }), 'cards[0].speed', /not a field of this card/],
    [withCard(1, { type: 'video', file: 'key.png' }), 'cards[1].type', /"video" is not a card type/],
    [withCard(1, { type: 'image', file: '../key.png' }), 'cards[1].file', /"\.\." part/],
    [withCard(1, { type: 'image', file: '/etc/key.png' }), 'cards[1].file', /not a relative path/],
    [withCard(1, { type: 'image', file: 'C:\\key.png' }), 'cards[1].file', /backslash/],
    [withCard(2, { type: 'clip', file: 'https://evil.example/a.y4m' }), 'cards[2].file', /not a relative path/],
    [withCard(1, { type: 'image', file: 'key.png', at: 'end' }), 'cards[1].at', /"first", "middle" or "last"/],
    [withCard(1, { type: 'image', file: 'key.png', at: -1 }), 'cards[1].at', /out of range/],
    [{ ...MINIMAL, seed: 2 ** 32 }, 'seed', /out of range/],
    [{ ...MINIMAL, seed: 1.5 }, 'seed', /whole number/],
    [{ ...MINIMAL, aspect: 'wide' }, 'aspect', /not an aspect ratio/],
    [{ ...MINIMAL, version: 2 }, 'version', /not a version/],
    [{ ...MINIMAL, format: 'tessera-model-pack' }, 'format', /is not "tessera-storyboard"/],
    [{ ...MINIMAL, steps: 0 }, 'steps', /out of range/],
    [{ ...MINIMAL, Cards: [] }, 'Cards', /not a field of a storyboard/],
    [{ ...MINIMAL, cards: [] }, 'cards', /no cards/],
    [{ ...MINIMAL, cards: [MINIMAL.cards[1]] }, 'cards', /no text card/],
    [{ ...MINIMAL, cards: Array.from({ length: STORYBOARD_LIMITS.maxCards + 1 }, () => MINIMAL.cards[0]) }, 'cards', /65 cards/],
    [{ ...MINIMAL, cards: Array.from({ length: 5 }, () => ({ type: 'text', prompt: 'a', seconds: 30 })) }, 'cards', /150 s together/],
    [[MINIMAL], '', /is not an object/],
  ])('refuses %#: the error names %s', (value, path, message) => {
    const error = refusal(value);
    expect(error.code).toBe('invalid-storyboard');
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
    if (path) expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  it('names an own "__proto__" key as an unknown field instead of reading it', () => {
    const hostile = JSON.parse('{"aspect":"16:9","seed":1,"cards":[{"type":"text","prompt":"a","seconds":1,"__proto__":{"seconds":0}}]}');
    expect(refusal(hostile).path).toBe('cards[0].__proto__');
  });
});
