/**
 * Runs compiled policy rules over token views: phrase search with inflections and one-typo
 * tolerance, allow-phrases that mask benign uses, context windows (`near`, `unless`) and negation.
 *
 * Every token is first looked up once in a `WordIndex` (exact forms in a map, one-typo matches
 * through a deletion index), so matching a rule is set lookups, not string comparisons.
 */
import type { Token, TokenView } from './normalize';
import type { CompiledCategory, CompiledRule, PhraseMatcher, WordMatcher } from './policyData';

/** One rule that fired, with the words that triggered it (normalised). */
export interface PolicyMatch {
  category: CompiledRule['category'];
  ruleId: string;
  words: string;
}

/** Whether `a` and `b` differ by at most one insertion, deletion, substitution or adjacent swap. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function deletions(word: string): string[] {
  const out = [word];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Which compiled words a token matches: exact forms, or one typo away for fuzzy words. */
export class WordIndex {
  private readonly exact = new Map<string, number[]>();
  private readonly fuzzy = new Map<string, { id: number; form: string }[]>();

  constructor(
    words: Iterable<WordMatcher>,
    /** Real words one typo from a term ("baked" vs "naked"), never matched fuzzily. */
    private readonly exceptions: ReadonlySet<string>,
  ) {
    const add = <T>(map: Map<string, T[]>, key: string, value: T) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    for (const word of words) {
      for (const form of word.forms) add(this.exact, form, word.id);
      for (const form of word.fuzzyForms) for (const key of deletions(form)) add(this.fuzzy, key, { id: word.id, form });
    }
  }

  idsOf(token: Token): Set<number> {
    const ids = new Set<number>();
    for (const form of token.forms) {
      for (const id of this.exact.get(form) ?? []) ids.add(id);
      if (form.length < 4 || this.exceptions.has(form)) continue;
      for (const key of deletions(form)) {
        for (const candidate of this.fuzzy.get(key) ?? []) {
          if (!ids.has(candidate.id) && withinOneEdit(form, candidate.form)) ids.add(candidate.id);
        }
      }
    }
    return ids;
  }
}

/** A token view with each token's matching word ids. */
export interface IndexedView {
  ids: Set<number>[];
  /** Each token's first form, for reporting. */
  words: string[];
}

export function indexView(view: TokenView, index: WordIndex): IndexedView {
  return { ids: view.map((t) => index.idsOf(t)), words: view.map((t) => t.forms[0] ?? '') };
}

const byFirstWord = new WeakMap<PhraseMatcher[], Map<number, PhraseMatcher[]>>();

/** The phrases of a list that can start at token `i`: those whose first word the token matches. */
function startingAt(phrases: PhraseMatcher[], view: IndexedView, i: number): PhraseMatcher[] {
  let index = byFirstWord.get(phrases);
  if (!index) {
    index = new Map();
    for (const phrase of phrases) {
      const first = phrase[0]!.id;
      const list = index.get(first);
      if (list) list.push(phrase);
      else index.set(first, [phrase]);
    }
    byFirstWord.set(phrases, index);
  }
  const out: PhraseMatcher[] = [];
  for (const id of view.ids[i]!) {
    const list = index.get(id);
    if (list) out.push(...list);
  }
  return out;
}

/** Length of the match of `phrase` starting at `start` (0 when it does not match there). */
function phraseAt(phrase: PhraseMatcher, view: IndexedView, start: number): number {
  if (start + phrase.length > view.ids.length) return 0;
  for (let k = 0; k < phrase.length; k++) {
    if (!view.ids[start + k]!.has(phrase[k]!.id)) return 0;
  }
  return phrase.length;
}

function anyPhraseIn(phrases: PhraseMatcher[], view: IndexedView, from: number, to: number, skip: [number, number]): boolean {
  const lo = Math.max(0, from);
  const hi = Math.min(view.ids.length, to);
  for (let i = lo; i < hi; i++) {
    for (const phrase of startingAt(phrases, view, i)) {
      const n = phraseAt(phrase, view, i);
      if (n > 0 && i + n <= hi && (i + n <= skip[0] || i >= skip[1])) return true;
    }
  }
  return false;
}

function allowedMask(category: CompiledCategory, view: IndexedView): boolean[] {
  const mask = view.ids.map(() => false);
  for (let i = 0; i < mask.length; i++) {
    for (const phrase of startingAt(category.allow, view, i)) {
      const n = phraseAt(phrase, view, i);
      for (let k = 0; k < n; k++) mask[i + k] = true;
    }
  }
  return mask;
}

function ruleFires(rule: CompiledRule, view: IndexedView, start: number, end: number, negations: PhraseMatcher[]): boolean {
  const span: [number, number] = [start, end];
  if (rule.negatable && anyPhraseIn(negations, view, start - 2, start, span)) return false;
  const from = rule.direction === 'after' ? end : start - rule.window;
  const to = rule.direction === 'before' ? start : end + rule.window;
  for (const context of [rule.near, rule.alsoNear]) {
    if (context && !anyPhraseIn(context, view, from, to, span)) return false;
  }
  if (rule.unless.length > 0) {
    const [lo, hi] = rule.unlessScope === 'prompt' ? [0, view.ids.length] : [start - rule.window, end + rule.window];
    if (anyPhraseIn(rule.unless, view, lo, hi, span)) return false;
  }
  return true;
}

/** Every rule of `category` that fires on `view`, at most one match per rule. */
export function matchCategory(category: CompiledCategory, view: IndexedView, negations: PhraseMatcher[]): PolicyMatch[] {
  const masked = allowedMask(category, view);
  const found: PolicyMatch[] = [];
  for (const rule of category.rules) {
    search: for (let i = 0; i < view.ids.length; i++) {
      if (masked[i] || view.ids[i]!.size === 0) continue;
      for (const phrase of startingAt(rule.match, view, i)) {
        const n = phraseAt(phrase, view, i);
        if (n === 0 || masked.slice(i, i + n).some(Boolean)) continue;
        if (ruleFires(rule, view, i, i + n, negations)) {
          found.push({ category: rule.category, ruleId: rule.id, words: view.words.slice(i, i + n).join(' ') });
          break search;
        }
      }
    }
  }
  return found;
}

/** Every word matcher of a compiled category (for building the index). */
export function* wordsOf(category: CompiledCategory): Generator<WordMatcher> {
  const phrases = [category.allow, ...category.rules.flatMap((r) => [r.match, r.near ?? [], r.alsoNear ?? [], r.unless])];
  for (const list of phrases) for (const phrase of list) yield* phrase;
}
