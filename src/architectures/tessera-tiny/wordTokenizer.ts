/**
 * The pack's word tokenizer (docs/model-pack.md, "Tokenizer"): lower-case, split on anything that is
 * not [a-z0-9], look each word up in the vocabulary, truncate or pad to maxLength. No BOS/EOS.
 */
import type { TokenizerSpec } from '../../models/manifest';

/** A prompt as the text encoder sees it. */
export interface TokenizedPrompt {
  /** `input_ids` for one batch row, length `maxLength`. */
  readonly ids: BigInt64Array;
  /** The words in order, before truncation. */
  readonly words: readonly string[];
  /** Words the vocabulary lacks (encoded as `unkId`), each once, in order of appearance. */
  readonly unknownWords: readonly string[];
  /** True when words beyond `maxLength` were dropped. */
  readonly truncated: boolean;
}

const vocabIndexes = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

/** The word → id map, built once per vocabulary array (vocabularies hold thousands of words). */
function vocabIndex(vocab: readonly string[]): ReadonlyMap<string, number> {
  let index = vocabIndexes.get(vocab);
  if (!index) {
    index = new Map(vocab.map((word, id) => [word, id]));
    vocabIndexes.set(vocab, index);
  }
  return index;
}

/** Splits text into the tokenizer's words (the same rule as training/world.py's tokenize_words). */
export function splitWords(text: string, lowercase = true): string[] {
  return (lowercase ? text.toLowerCase() : text).split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
}

/** Encodes one prompt; an empty prompt gives the all-`<pad>` row that means "unconditional". */
export function tokenize(text: string, spec: TokenizerSpec): TokenizedPrompt {
  const words = splitWords(text, spec.lowercase);
  const index = vocabIndex(spec.vocab);
  const ids = new BigInt64Array(spec.maxLength).fill(BigInt(spec.padId));
  const unknown = new Set<string>();
  words.forEach((word, i) => {
    const id = index.get(word);
    if (id === undefined) unknown.add(word);
    if (i < spec.maxLength) ids[i] = BigInt(id ?? spec.unkId);
  });
  return { ids, words, unknownWords: [...unknown], truncated: words.length > spec.maxLength };
}
