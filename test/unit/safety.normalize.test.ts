import { describe, expect, it } from 'vitest';
import data from '../../src/safety/policy-data/normalization.json';
import { foldCharacters, leetVariants, squeezeVariants, tokenViews, type NormalizationData } from '../../src/safety/normalize';

const table = data as NormalizationData;
const words = (text: string) => tokenViews(text, table).map((view) => view.map((t) => t.forms));

describe('foldCharacters', () => {
  it('lower-cases and strips accents', () => {
    expect(foldCharacters('Crème BRÛLÉE naïve', table)).toBe('creme brulee naive');
  });
  it('maps full-width and mathematical letters to ASCII', () => {
    expect(foldCharacters('ｎａｋｅｄ 𝐤𝐢𝐥𝐥', table)).toBe('naked kill');
  });
  it('maps Cyrillic and Greek look-alikes to Latin', () => {
    expect(foldCharacters('ѕhооt торless Κill', table)).toBe('shoot topless kill');
  });
  it('drops zero-width characters and soft hyphens', () => {
    expect(foldCharacters('k\u200bi\u200dl\u00adl', table)).toBe('kill');
  });
});

describe('leetVariants', () => {
  it('reads digits and symbols inside words as letters, keeping the word as written', () => {
    expect(leetVariants('p0rn', table)).toEqual(['p0rn', 'porn']);
    expect(leetVariants('f@gg0t$', table)).toEqual(['f@gg0t$', 'faggots']);
  });
  it('gives both readings of an ambiguous character', () => {
    expect(leetVariants('k1ll', table)).toEqual(['k1ll', 'kill', 'klll']);
  });
  it('leaves numbers alone when the chunk has no letter', () => {
    expect(leetVariants('3', table)).toEqual(['3']);
    expect(leetVariants('1999', table)).toEqual(['1999']);
  });
  it('keeps a trailing exclamation mark as punctuation', () => {
    expect(leetVariants('stop!', table)).toEqual(['stop!']);
  });
});

describe('squeezeVariants', () => {
  it('collapses letters stretched to three or more', () => {
    expect(squeezeVariants('kiiiilll')).toEqual(['kiiiilll', 'kil', 'kiill']);
  });
  it('keeps ordinary double letters as they are', () => {
    expect(squeezeVariants('balloon')).toEqual(['balloon']);
  });
});

describe('tokenViews', () => {
  it('joins spaced-out and dotted letters into one word', () => {
    expect(words('k i l l him')[0]).toEqual([['kill'], ['him']]);
    expect(words('k.i.l.l him')[0]).toEqual([['kill'], ['him']]);
  });
  it('keeps both the split and the joined reading of a hyphenated word', () => {
    const [split, joined] = words('spider-man');
    expect(split).toEqual([['spider'], ['man']]);
    expect(joined).toEqual([['spiderman']]);
  });
  it('keeps a real leading "a" apart from spaced letters', () => {
    expect(words('a k i d')[0]).toEqual([['akid', 'kid']]);
  });
  it('applies the misspelling table', () => {
    expect(words('nekkid')[0]![0]).toContain('naked');
  });
});
