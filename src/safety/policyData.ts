/**
 * The prompt policy's data files (`policy-data/*.json`): their types, a validator that names the bad
 * field, and the compiler that turns term lists into word matchers with inflections.
 *
 * Pattern syntax in the term lists: words separated by spaces ("red blood cell"); "@group" expands to
 * a group of `lexicon.json`; a word starting with "=" is matched exactly, without inflections.
 * Punctuation inside a pattern ("spider-man", "coca-cola") also adds the joined word ("spiderman").
 */
import type { NormalizationData } from './normalize';

/** The categories the policy refuses, in the order a refusal reports them when several match. */
export const POLICY_CATEGORIES = ['hateful', 'sexual', 'violent', 'copyright'] as const;
export type PolicyCategory = (typeof POLICY_CATEGORIES)[number];

/** One rule of a category file. */
export interface RuleData {
  id: string;
  /** Words or phrases that trigger the rule. */
  match: string[];
  /** When present, a word or phrase from this list must occur within `window` words of the trigger. */
  near?: string[];
  /** A second list that must also have a word within `window` words (e.g. a verb and a person). */
  alsoNear?: string[];
  /** Where `near` words are looked for: both sides (default), or only after/before the trigger. */
  direction?: 'both' | 'after' | 'before';
  /** Distance in words for `near` and `unless` (default 4). */
  window?: number;
  /** Words or phrases that cancel the rule when they occur within `window` words (or anywhere, with unlessScope "prompt"). */
  unless?: string[];
  unlessScope?: 'window' | 'prompt';
  /** Allow misspellings at edit distance 1 for words of 6 letters or more (default true). */
  fuzzy?: boolean;
  /** Whether a negation just before the trigger ("no violence") cancels it (default true). */
  negatable?: boolean;
}

/** A category file: `violent.json`, `sexual.json`, `hateful.json`, `copyright.json`. */
export interface CategoryData {
  version: string;
  category: PolicyCategory;
  /** Benign phrases whose words never trigger this category ("red blood cell", "shooting star"). */
  allow: string[];
  rules: RuleData[];
}

/** Shared word groups (`lexicon.json`): people, protected groups, negations, brand context… */
export interface LexiconData {
  version: string;
  /** Words that fuzzy matching must never turn into a term ("naked" is not "baked"). */
  fuzzyExceptions: string[];
  groups: Record<string, string[]>;
}

/** A compiled word: every inflected form, and the forms long enough to match with one typo. */
export interface WordMatcher {
  /** Unique per compiled word: the matcher indexes tokens by the ids of the words they match. */
  id: number;
  forms: Set<string>;
  fuzzyForms: string[];
}
export type PhraseMatcher = WordMatcher[];

export interface CompiledRule {
  id: string;
  category: PolicyCategory;
  match: PhraseMatcher[];
  near: PhraseMatcher[] | null;
  alsoNear: PhraseMatcher[] | null;
  direction: 'both' | 'after' | 'before';
  window: number;
  unless: PhraseMatcher[];
  unlessScope: 'window' | 'prompt';
  negatable: boolean;
}

export interface CompiledCategory {
  category: PolicyCategory;
  allow: PhraseMatcher[];
  rules: CompiledRule[];
}

/** Thrown when a policy data file breaks the schema; names the file, the field and the value. */
export class PolicyDataError extends Error {
  readonly code = 'policy-data-invalid';
  override readonly name = 'PolicyDataError';
}

const FUZZY_MIN_LENGTH = 5;

/** Regular inflections of a word (kill → kills, killed, killing, killer; stab → stabbed…). */
export function inflections(word: string): string[] {
  const out = new Set([word, `${word}s`, `${word}es`, `${word}ed`, `${word}ing`, `${word}er`, `${word}ers`]);
  if (word.endsWith('e')) {
    const stem = word.slice(0, -1);
    for (const f of [`${word}d`, `${word}r`, `${word}rs`, `${stem}ing`]) out.add(f);
  }
  if (word.endsWith('y') && !/[aeiou]y$/.test(word)) out.add(`${word.slice(0, -1)}ies`);
  if (/[^aeiou][aeiou][bdgklmnprt]$/.test(word)) {
    const last = word.at(-1)!;
    for (const f of [`${word}${last}ed`, `${word}${last}ing`, `${word}${last}er`, `${word}${last}ers`]) out.add(f);
  }
  return [...out];
}

function expand(patterns: string[], lexicon: LexiconData, where: string): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    if (typeof p !== 'string' || p.trim() === '') throw new PolicyDataError(`${where}: every pattern must be a non-empty string, got ${JSON.stringify(p)}`);
    if (p.startsWith('@')) {
      const group = lexicon.groups[p.slice(1)];
      if (!group) throw new PolicyDataError(`${where}: unknown group "${p}"; known groups: ${Object.keys(lexicon.groups).join(', ')}`);
      out.push(...group);
    } else {
      out.push(p);
    }
  }
  return out;
}

let nextWordId = 0;

function wordMatcher(raw: string, fuzzy: boolean): WordMatcher {
  const exact = raw.startsWith('=');
  const word = exact ? raw.slice(1) : raw;
  const forms = exact ? [word] : inflections(word);
  return { id: nextWordId++, forms: new Set(forms), fuzzyForms: fuzzy && word.length >= FUZZY_MIN_LENGTH ? forms : [] };
}

/** Patterns compiled to phrases; "spider-man" gives both [spider, man] and [spiderman]. */
export function compilePatterns(patterns: string[], lexicon: LexiconData, where: string, fuzzy: boolean): PhraseMatcher[] {
  const phrases: PhraseMatcher[] = [];
  const seen = new Set<string>();
  const add = (words: string[]) => {
    const key = words.join(' ');
    if (words.length === 0 || seen.has(key)) return;
    seen.add(key);
    phrases.push(words.map((w) => wordMatcher(w, fuzzy)));
  };
  for (const pattern of expand(patterns, lexicon, where)) {
    const lower = pattern.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').trim();
    const exact = lower.startsWith('=') ? '=' : '';
    const body = lower.replace(/^=/, '');
    add(body.split(/[^a-z0-9]+/).filter((w) => w.length > 0).map((w) => exact + w));
    if (/[^a-z0-9]/.test(body)) add([exact + body.replace(/[^a-z0-9]+/g, '')]);
  }
  return phrases;
}

function checkRule(rule: RuleData, where: string): void {
  if (typeof rule.id !== 'string' || rule.id === '') throw new PolicyDataError(`${where}: rule without an "id"`);
  if (!Array.isArray(rule.match) || rule.match.length === 0) throw new PolicyDataError(`${where}.${rule.id}: "match" must be a non-empty array`);
  if (rule.direction !== undefined && !['both', 'after', 'before'].includes(rule.direction)) {
    throw new PolicyDataError(`${where}.${rule.id}: "direction" must be both, after or before, got ${JSON.stringify(rule.direction)}`);
  }
  if (rule.window !== undefined && !(Number.isInteger(rule.window) && rule.window >= 1 && rule.window <= 20)) {
    throw new PolicyDataError(`${where}.${rule.id}: "window" must be an integer 1..20, got ${JSON.stringify(rule.window)}`);
  }
}

/** Validates and compiles one category file. */
export function compileCategory(data: CategoryData, lexicon: LexiconData): CompiledCategory {
  const where = `policy-data/${String(data.category)}.json`;
  if (!POLICY_CATEGORIES.includes(data.category)) {
    throw new PolicyDataError(`${where}: "category" must be one of ${POLICY_CATEGORIES.join(', ')}, got ${JSON.stringify(data.category)}`);
  }
  if (typeof data.version !== 'string' || data.version === '') throw new PolicyDataError(`${where}: missing "version"`);
  if (!Array.isArray(data.allow) || !Array.isArray(data.rules)) throw new PolicyDataError(`${where}: "allow" and "rules" must be arrays`);
  return {
    category: data.category,
    allow: compilePatterns(data.allow, lexicon, `${where} allow`, false),
    rules: data.rules.map((rule) => {
      checkRule(rule, where);
      const fuzzy = rule.fuzzy ?? true;
      return {
        id: `${data.category}.${rule.id}`,
        category: data.category,
        match: compilePatterns(rule.match, lexicon, `${where} ${rule.id}.match`, fuzzy),
        near: rule.near ? compilePatterns(rule.near, lexicon, `${where} ${rule.id}.near`, false) : null,
        alsoNear: rule.alsoNear ? compilePatterns(rule.alsoNear, lexicon, `${where} ${rule.id}.alsoNear`, false) : null,
        direction: rule.direction ?? 'both',
        window: rule.window ?? 4,
        unless: compilePatterns(rule.unless ?? [], lexicon, `${where} ${rule.id}.unless`, false),
        unlessScope: rule.unlessScope ?? 'window',
        negatable: rule.negatable ?? true,
      };
    }),
  };
}

/** Checks the normalisation tables' shape. */
export function checkNormalizationData(data: NormalizationData): void {
  for (const key of ['confusables', 'leet', 'spellings'] as const) {
    const table = data[key];
    if (typeof table !== 'object' || table === null) throw new PolicyDataError(`policy-data/normalization.json: "${key}" must be an object`);
    for (const [from, to] of Object.entries(table)) {
      if (typeof to !== 'string' || to === '') throw new PolicyDataError(`policy-data/normalization.json: ${key}[${JSON.stringify(from)}] must be a non-empty string`);
    }
  }
}
