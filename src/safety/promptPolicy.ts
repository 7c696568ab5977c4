/**
 * Tessera's prompt policy: refuses prompts that ask for violent, sexual, hateful or copyright-
 * infringing content (named copyrighted characters, brand logos, real public figures).
 *
 * Pure (no DOM, no onnxruntime), so the worker engine and the CLI run the same check. The term lists
 * live in `policy-data/*.json`; `POLICY_VERSION` names the versions in force.
 */
import copyrightData from './policy-data/copyright.json';
import fuzzyExceptionsData from './policy-data/fuzzy-exceptions.json';
import hatefulData from './policy-data/hateful.json';
import lexiconData from './policy-data/lexicon.json';
import normalizationData from './policy-data/normalization.json';
import sexualData from './policy-data/sexual.json';
import violentData from './policy-data/violent.json';
import { tokenViews, type NormalizationData } from './normalize';
import {
  POLICY_CATEGORIES,
  checkNormalizationData,
  compileCategory,
  compilePatterns,
  type CategoryData,
  type CompiledCategory,
  type LexiconData,
  type PhraseMatcher,
  type PolicyCategory,
} from './policyData';
import { indexView, matchCategory, WordIndex, wordsOf, type PolicyMatch } from './policyMatcher';

export { POLICY_CATEGORIES, type PolicyCategory } from './policyData';
export type { PolicyMatch } from './policyMatcher';

/** The outcome of checking one text. `matches` lists every rule that fired (for logs and tests). */
export type PolicyDecision =
  | { allowed: true }
  | { allowed: false; category: PolicyCategory; message: string; matches: PolicyMatch[] };

/** Which text of a generation request a refusal is about. */
export type PromptField = 'prompt' | 'expandedPrompt' | 'negativePrompt';

/** What each category asks for, in plain words. */
export const CATEGORY_DESCRIPTIONS: Readonly<Record<PolicyCategory, string>> = Object.freeze({
  violent: 'violent or gory content',
  sexual: 'sexual content',
  hateful: 'hateful content',
  copyright: 'copyrighted characters, brand logos or real public figures',
});

const FIELD_WORDS: Readonly<Record<PromptField, string>> = Object.freeze({
  prompt: 'This prompt',
  expandedPrompt: 'The expanded prompt',
  negativePrompt: 'The negative prompt',
});

/** The refusal sentence shown to the user, e.g. "This prompt asks for violent or gory content, …". */
export function refusalMessage(category: PolicyCategory, field: PromptField = 'prompt'): string {
  return `${FIELD_WORDS[field]} asks for ${CATEGORY_DESCRIPTIONS[category]}, which Tessera does not generate. Please edit it and try again.`;
}

/**
 * Thrown by the engine and the CLI when a text is refused. Across the worker boundary, switch on
 * `code === 'policy-refused'` (not `instanceof`); `category` and `field` say what and where.
 */
export class PolicyRefusalError extends Error {
  readonly code = 'policy-refused';
  override readonly name = 'PolicyRefusalError';
  constructor(
    readonly category: PolicyCategory,
    readonly field: PromptField = 'prompt',
  ) {
    super(refusalMessage(category, field));
  }
}

interface CompiledPolicy {
  normalization: NormalizationData;
  categories: CompiledCategory[];
  negations: PhraseMatcher[];
  index: WordIndex;
  version: string;
}

const CATEGORY_FILES: CategoryData[] = [hatefulData, sexualData, violentData, copyrightData] as CategoryData[];

let compiled: CompiledPolicy | null = null;

function policy(): CompiledPolicy {
  if (compiled) return compiled;
  const normalization = normalizationData as NormalizationData;
  const lexicon = lexiconData as LexiconData;
  checkNormalizationData(normalization);
  const categories = CATEGORY_FILES.map((c) => compileCategory(c, lexicon));
  categories.sort((a, b) => POLICY_CATEGORIES.indexOf(a.category) - POLICY_CATEGORIES.indexOf(b.category));
  const negations = compilePatterns(['@negations'], lexicon, 'policy-data/lexicon.json negations', false);
  const words = [...categories.flatMap((c) => [...wordsOf(c)]), ...negations.flat()];
  compiled = {
    normalization,
    categories,
    negations,
    index: new WordIndex(words, new Set([...lexicon.fuzzyExceptions, ...fuzzyExceptionsData.words])),
    version: [normalization, lexicon, fuzzyExceptionsData, ...CATEGORY_FILES].map((d) => d.version).join('+'),
  };
  return compiled;
}

/** The versions of the policy data in force: normalization+lexicon+fuzzy-exceptions+hateful+sexual+violent+copyright. */
export function policyVersion(): string {
  return policy().version;
}

/** Every rule that fires on `text`, across categories, in category priority order. */
export function findPolicyMatches(text: string): PolicyMatch[] {
  const p = policy();
  const views = tokenViews(text, p.normalization).map((view) => indexView(view, p.index));
  const matches: PolicyMatch[] = [];
  for (const category of p.categories) {
    const seen = new Set<string>();
    for (const view of views) {
      for (const m of matchCategory(category, view, p.negations)) {
        if (!seen.has(m.ruleId)) matches.push(m);
        seen.add(m.ruleId);
      }
    }
  }
  return matches;
}

/** Checks one text (prompt, expanded prompt or negative prompt) against the policy. */
export function checkPrompt(text: string, field: PromptField = 'prompt'): PolicyDecision {
  const matches = findPolicyMatches(text);
  const first = matches[0];
  if (!first) return { allowed: true };
  return { allowed: false, category: first.category, message: refusalMessage(first.category, field), matches };
}

/** The texts of one generation request; empty or missing ones are skipped. */
export interface PromptTexts {
  prompt: string;
  expandedPrompt?: string | undefined;
  negativePrompt?: string | undefined;
}

/** The refusal for the first refused text of a request (prompt, expanded, negative), or null. */
export function firstRefusal(texts: PromptTexts): PolicyRefusalError | null {
  for (const field of ['prompt', 'expandedPrompt', 'negativePrompt'] as const) {
    const text = texts[field];
    if (!text) continue;
    const decision = checkPrompt(text, field);
    if (!decision.allowed) return new PolicyRefusalError(decision.category, field);
  }
  return null;
}

/**
 * Checks every text of a request and throws `PolicyRefusalError` for the first refused one
 * (prompt, then expanded prompt, then negative prompt). The engine and the CLI call this.
 */
export function assertPromptsAllowed(texts: PromptTexts): void {
  const refusal = firstRefusal(texts);
  if (refusal) throw refusal;
}
