/**
 * Runs compiled policy rules over token views: phrase search with inflections and one-typo
 * tolerance, allow-phrases that mask benign uses, context windows (`near`, `unless`) and negation.
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

function wordMatches(word: WordMatcher, token: Token, exceptions: ReadonlySet<string>): boolean {
  for (const form of token.forms) {
    if (word.forms.has(form)) return true;
  }
  if (word.fuzzyForms.length === 0) return false;
  for (const form of token.forms) {
    if (form.length < 4 || exceptions.has(form)) continue;
    if (word.fuzzyForms.some((f) => withinOneEdit(form, f))) return true;
  }
  return false;
}

/** Lengths of `phrase` matches starting at each position of `view` (0 where it does not match). */
function phraseAt(phrase: PhraseMatcher, view: TokenView, start: number, exceptions: ReadonlySet<string>): number {
  if (start + phrase.length > view.length) return 0;
  for (let k = 0; k < phrase.length; k++) {
    if (!wordMatches(phrase[k]!, view[start + k]!, exceptions)) return 0;
  }
  return phrase.length;
}

function anyPhraseIn(phrases: PhraseMatcher[], view: TokenView, from: number, to: number, skip: [number, number], exceptions: ReadonlySet<string>): boolean {
  const lo = Math.max(0, from);
  const hi = Math.min(view.length, to);
  for (let i = lo; i < hi; i++) {
    for (const phrase of phrases) {
      const n = phraseAt(phrase, view, i, exceptions);
      if (n > 0 && i + n <= hi && (i + n <= skip[0] || i >= skip[1])) return true;
    }
  }
  return false;
}

function allowedMask(category: CompiledCategory, view: TokenView, exceptions: ReadonlySet<string>): boolean[] {
  const mask = view.map(() => false);
  for (let i = 0; i < view.length; i++) {
    for (const phrase of category.allow) {
      const n = phraseAt(phrase, view, i, exceptions);
      for (let k = 0; k < n; k++) mask[i + k] = true;
    }
  }
  return mask;
}

function ruleFires(rule: CompiledRule, view: TokenView, start: number, end: number, negations: PhraseMatcher[], exceptions: ReadonlySet<string>): boolean {
  const span: [number, number] = [start, end];
  if (rule.negatable && anyPhraseIn(negations, view, start - 2, start, span, exceptions)) return false;
  const from = rule.direction === 'after' ? end : start - rule.window;
  const to = rule.direction === 'before' ? start : end + rule.window;
  for (const context of [rule.near, rule.alsoNear]) {
    if (context && !anyPhraseIn(context, view, from, to, span, exceptions)) return false;
  }
  if (rule.unless.length > 0) {
    const [from, to] = rule.unlessScope === 'prompt' ? [0, view.length] : [start - rule.window, end + rule.window];
    if (anyPhraseIn(rule.unless, view, from, to, span, exceptions)) return false;
  }
  return true;
}

/** Every rule of `category` that fires on `view`, at most one match per rule. */
export function matchCategory(category: CompiledCategory, view: TokenView, negations: PhraseMatcher[], exceptions: ReadonlySet<string>): PolicyMatch[] {
  const masked = allowedMask(category, view, exceptions);
  const found: PolicyMatch[] = [];
  for (const rule of category.rules) {
    search: for (let i = 0; i < view.length; i++) {
      if (masked[i]) continue;
      for (const phrase of rule.match) {
        const n = phraseAt(phrase, view, i, exceptions);
        if (n === 0 || masked.slice(i, i + n).some(Boolean)) continue;
        if (ruleFires(rule, view, i, i + n, negations, exceptions)) {
          const words = view.slice(i, i + n).map((t) => t.forms[0]).join(' ');
          found.push({ category: rule.category, ruleId: rule.id, words });
          break search;
        }
      }
    }
  }
  return found;
}
