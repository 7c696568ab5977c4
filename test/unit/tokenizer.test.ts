import { describe, expect, it } from 'vitest';
import { parseManifest, type TesseraTinyManifest } from '../../src/models/manifest';
import { splitWords, tokenize } from '../../src/architectures/tessera-tiny/wordTokenizer';
import { validManifestJson } from '../fixtures/manifestFixture';

// vocab: <pad> <unk> a red circle moving left on blue background; maxLength 8
const spec = (parseManifest(validManifestJson()) as TesseraTinyManifest).tokenizer;
const ids = (text: string) => [...tokenize(text, spec).ids].map(Number);

describe('tokenize', () => {
  it('lower-cases, splits on non-[a-z0-9] and maps words to vocabulary ids', () => {
    expect(ids('A Red circle, moving LEFT!')).toEqual([2, 3, 4, 5, 6, 0, 0, 0]);
  });

  it('maps unknown words to unkId and reports each once', () => {
    const result = tokenize('a green circle green', spec);
    expect([...result.ids].map(Number)).toEqual([2, 1, 4, 1, 0, 0, 0, 0]);
    expect(result.unknownWords).toEqual(['green']);
  });

  it('encodes an empty prompt as all <pad>, the unconditional input', () => {
    expect(ids('')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ids('  ,;! ')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('truncates to maxLength and says so', () => {
    const result = tokenize('a red circle moving left on a blue background', spec);
    expect([...result.ids].map(Number)).toEqual([2, 3, 4, 5, 6, 7, 2, 8]);
    expect(result.truncated).toBe(true);
    expect(result.words).toHaveLength(9);
  });

  it('splits like training/world.py: non-ASCII letters separate words', () => {
    expect(splitWords('Café-au-lait x2, 3D!')).toEqual(['caf', 'au', 'lait', 'x2', '3d']);
  });
});
