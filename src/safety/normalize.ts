/**
 * Text normalisation for the prompt policy: turns a prompt into token sequences ("views") that
 * survive the usual evasion tricks (case, accents, unicode look-alikes, full-width letters,
 * leetspeak, spacing and punctuation inside words, stretched letters, common misspellings).
 *
 * Pure: no DOM, no I/O. The character maps and spellings come from `policy-data/normalization.json`.
 */

/** The normalisation tables, as stored in `policy-data/normalization.json`. */
export interface NormalizationData {
  version: string;
  /** Look-alike characters (Cyrillic, Greek, symbols) mapped to the Latin letter they imitate. */
  confusables: Record<string, string>;
  /** Leetspeak characters; a value with several letters lists alternatives ("1": "il"). */
  leet: Record<string, string>;
  /** Whole-word misspellings mapped to the spelling the term lists use. */
  spellings: Record<string, string>;
}

/** One word of a view, with every spelling it may stand for (leet alternatives, squeezed letters…). */
export interface Token {
  forms: string[];
}

/** A prompt seen two ways: words split at punctuation, and words with inner punctuation removed. */
export type TokenView = Token[];

const ZERO_WIDTH = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;
const COMBINING_MARKS = /\p{M}/gu;
const LETTER = /[a-z]/;
const ALNUM = /[a-z0-9]/;

/** Case, unicode compatibility forms, look-alikes and accents folded to plain lower-case ASCII-ish text. */
export function foldCharacters(text: string, data: NormalizationData): string {
  let s = text.normalize('NFKC').replace(ZERO_WIDTH, '');
  let out = '';
  for (const ch of s) out += data.confusables[ch] ?? ch;
  s = out.toLowerCase().normalize('NFKD').replace(COMBINING_MARKS, '');
  out = '';
  for (const ch of s) out += data.confusables[ch] ?? ch;
  return out;
}

/**
 * Leetspeak readings of one whitespace-separated chunk, after the chunk as written ("c3po", "rule34"
 * and "mp4" are words too). Only chunks with at least one letter are read as leet ("3 circles" keeps
 * its 3), and a trailing "!" stays punctuation. Ambiguous characters ("1" → i or l) give at most two
 * readings: all first choices, all second choices.
 */
export function leetVariants(chunk: string, data: NormalizationData): string[] {
  if (!LETTER.test(chunk)) return [chunk];
  const chars = [...chunk];
  let last = chars.length - 1;
  while (last >= 0 && chars[last] === '!') last--;
  let first = '';
  let second = '';
  chars.forEach((ch, i) => {
    const sub = i <= last ? data.leet[ch] : undefined;
    first += sub === undefined ? ch : sub[0];
    second += sub === undefined ? ch : sub[sub.length - 1];
  });
  return [...new Set([chunk, first, second])];
}

/** Letters stretched to runs of three or more ("kiiiill") collapsed to one and to two letters. */
export function squeezeVariants(word: string): string[] {
  if (!/(.)\1\1/.test(word)) return [word];
  return [word, word.replace(/(.)\1{2,}/g, '$1'), word.replace(/(.)\1{2,}/g, '$1$1')];
}

function tokenOf(base: string[], data: NormalizationData): Token {
  const forms = new Set<string>();
  for (const b of base) {
    for (const f of squeezeVariants(b)) {
      forms.add(f);
      const fixed = data.spellings[f];
      if (fixed !== undefined) forms.add(fixed);
    }
  }
  return { forms: [...forms] };
}

/**
 * Runs of three or more one-letter words ("k i l l", or "k.i.l.l" once split) joined into one word.
 * A leading "a" or "i" may be a real word ("a k i d"), so the join without it is kept as well.
 */
function joinLetterRuns(words: string[][]): string[][] {
  const out: string[][] = [];
  let i = 0;
  while (i < words.length) {
    let j = i;
    while (j < words.length && words[j]!.every((w) => w.length === 1 && LETTER.test(w))) j++;
    if (j - i >= 3) {
      const run = words.slice(i, j).map((w) => w[0]!);
      const joined = run.join('');
      const forms = [joined];
      if (run[0] === 'a' || run[0] === 'i') forms.push(run.slice(1).join(''));
      out.push(forms);
      i = j;
    } else {
      out.push(words[i]!);
      i++;
    }
  }
  return out;
}

/**
 * The prompt as token views: `split` breaks words at any punctuation ("spider-man" → spider, man),
 * `joined` removes punctuation inside a word ("mur.der" → murder, "spider-man" → spiderman).
 * Both join spaced-out letters. The policy matches a rule if it matches in either view.
 */
export function tokenViews(text: string, data: NormalizationData): TokenView[] {
  const folded = foldCharacters(text, data);
  const chunks = folded.split(/\s+/).filter((c) => c.length > 0).map((c) => leetVariants(c, data));

  const split: string[][] = [];
  const joined: string[][] = [];
  for (const variants of chunks) {
    const parts = variants.map((v) => v.split(/[^a-z0-9]+/).filter((p) => p.length > 0));
    const count = Math.max(...parts.map((p) => p.length));
    for (let k = 0; k < count; k++) {
      const forms = parts.map((p) => p[k]).filter((p): p is string => p !== undefined);
      if (forms.length > 0) split.push([...new Set(forms)]);
    }
    const compact = [...new Set(variants.map((v) => v.replace(/[^a-z0-9]+/g, '')).filter((v) => v.length > 0))];
    if (compact.length > 0) joined.push(compact);
  }
  return [joinLetterRuns(split), joinLetterRuns(joined)].map((view) => view.map((w) => tokenOf(w, data)));
}
