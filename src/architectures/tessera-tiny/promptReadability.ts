/**
 * What of a prompt the tokenizer can read (wordTokenizer.ts: words of a-z and 0-9 only). Letters of other
 * scripts and accented letters are cut out there without a word; this module finds them, so front ends
 * can report them, and refuses a prompt that leaves the model nothing to read.
 */
import { PipelineError } from '../../pipeline/errors';
import { splitWords } from './wordTokenizer';

/** A word as a person reads it: letters, digits and accents of any script. */
const ANY_SCRIPT_WORD = /[\p{L}\p{N}\p{M}]+/gu;
const MODEL_ALPHABET_WORD = /^[A-Za-z0-9]+$/;
/** How many words or characters an error message names: enough to recognise, never the whole prompt. */
const NAMED_IN_MESSAGE = 3;
/** A long word (a sentence in a script without spaces) is cut to this many characters in a message. */
const WORD_IN_MESSAGE_CHARS = 24;

/**
 * The words of `text` that hold a letter outside a-z and 0-9 ("café", "猫"), each once, in order of
 * appearance. The tokenizer keeps only their ASCII parts ("caf"), or nothing.
 */
export function wordsOutsideAlphabet(text: string): string[] {
  const found = new Set<string>();
  for (const [word] of text.matchAll(ANY_SCRIPT_WORD)) {
    if (!MODEL_ALPHABET_WORD.test(word)) found.add(word);
  }
  return [...found];
}

/**
 * Refuses a non-empty prompt in which the tokenizer finds no word (only symbols, control characters
 * or letters outside a-z and 0-9): the model would read the all-`<pad>` row, an unconditional clip
 * nobody asked for. An empty prompt is left to the caller's own rule. Throws PipelineError `invalid-prompt`.
 */
export function assertReadablePrompt(prompt: string): void {
  if (prompt.trim().length === 0 || splitWords(prompt).length > 0) return;
  const outside = wordsOutsideAlphabet(prompt);
  const why =
    outside.length > 0 ? `its words (${nameSome(outside)}) use letters outside a-z and 0-9` : `it holds only symbols or control characters (${codePoints(prompt)})`;
  throw new PipelineError('invalid-prompt', `the prompt has nothing the model can read: ${why}; describe the video in English words (a-z, 0-9)`);
}

/** "猫, café and 4 more", each word cut to WORD_IN_MESSAGE_CHARS. */
function nameSome(words: readonly string[]): string {
  const shown = words.slice(0, NAMED_IN_MESSAGE).map((word) => {
    const chars = [...word];
    return chars.length > WORD_IN_MESSAGE_CHARS ? `${chars.slice(0, WORD_IN_MESSAGE_CHARS).join('')}…` : word;
  });
  const more = words.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** "U+0000, U+0021": the first distinct non-space characters, written so that control characters show. */
function codePoints(text: string): string {
  const distinct = [...new Set(text.replace(/\s/g, ''))].slice(0, NAMED_IN_MESSAGE);
  return distinct.map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(', ');
}
