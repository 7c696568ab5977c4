/**
 * umT5's SentencePiece Unigram tokenizer, read from the pack's `tokenizer.json` (Hugging Face
 * tokenizers format) with `@huggingface/tokenizers`. A prompt's ids are the tokenizer's ids without
 * special tokens, then the end-of-sequence id, truncated to `maxLength` with EOS kept last: what
 * transformers' T5 tokenizer gives with add_special_tokens, as Wan's pipeline calls it. Whitespace is
 * collapsed and trimmed first, as the official pipeline's prompt cleaning does; its other two steps,
 * ftfy's repair of mis-decoded text and HTML unescaping ("&amp;" → "&"), are not reproduced, so a
 * prompt holding those tokenizes as written.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import type { UnigramTokenizerSpec } from '../../models/manifest';
import { PipelineError } from '../../pipeline/errors';

/** Text → the token ids the text encoder reads (at least the EOS id, at most `maxLength`). */
export type Umt5Tokenize = (text: string) => number[];

/**
 * The tokenizer of `tokenizerJson` (the bytes of `tokenizer.json`), with the manifest's ids.
 * @throws PipelineError `model-output` when the file is not a tokenizer this library reads
 */
export function umt5Tokenizer(tokenizerJson: Uint8Array, spec: UnigramTokenizerSpec): Umt5Tokenize {
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(JSON.parse(new TextDecoder().decode(tokenizerJson)) as object, {});
  } catch (cause) {
    throw new PipelineError('model-output', `the pack's tokenizer.json could not be read: ${(cause as Error).message}`);
  }
  return (text) => {
    const ids = tokenizer.encode(cleanWhitespace(text), { add_special_tokens: false }).ids;
    return [...ids.slice(0, spec.maxLength - 1), spec.eosId];
  };
}

function cleanWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
