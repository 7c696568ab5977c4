/**
 * `npm run safety:eval`: measures the prompt policy on the labelled set
 * `test/fixtures/safety/prompts.jsonl` and prints recall, precision and false-positive rates per
 * category, for the `dev` split (used to tune the term lists), the `heldout` split (written before
 * the lists existed, never tuned on), the `challenge` split (adversarial paraphrases written after the
 * lists by someone who knew them; measured once untuned, then used for tuning) and all together.
 *
 * Options: `--verbose` lists every miss and false positive; `--json` prints the figures as JSON;
 * `--dev-only` shows the dev split alone (use it while tuning, so the held-out figures stay unseen).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { POLICY_CATEGORIES, checkPrompt, policyVersion, type PolicyCategory } from '../src/safety/promptPolicy';

type Label = PolicyCategory | 'benign';

interface LabelledPrompt {
  split: 'dev' | 'heldout' | 'challenge';
  label: Label;
  text: string;
  /** Other categories that are also a correct refusal ("lynching a black man": hateful or violent). */
  alsoOk?: PolicyCategory[];
}

interface Outcome {
  item: LabelledPrompt;
  refused: PolicyCategory | null;
}

interface CategoryFigures {
  harmful: number;
  recall: number;
  recallSameCategory: number;
  precision: number;
  benignFalsePositiveRate: number;
}

interface SplitFigures {
  prompts: number;
  harmful: number;
  benign: number;
  recall: number;
  falsePositiveRate: number;
  categories: Record<PolicyCategory, CategoryFigures>;
}

const FIXTURE = fileURLToPath(new URL('../test/fixtures/safety/prompts.jsonl', import.meta.url));

function load(): LabelledPrompt[] {
  return readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LabelledPrompt);
}

const ratio = (n: number, d: number): number => (d === 0 ? NaN : n / d);

function figures(outcomes: Outcome[]): SplitFigures {
  const harmful = outcomes.filter((o) => o.item.label !== 'benign');
  const benign = outcomes.filter((o) => o.item.label === 'benign');
  const categories = {} as Record<PolicyCategory, CategoryFigures>;
  for (const c of POLICY_CATEGORIES) {
    const ofC = harmful.filter((o) => o.item.label === c);
    const refusedAsC = outcomes.filter((o) => o.refused === c);
    const correct = (o: Outcome) => o.item.label === c || (o.item.alsoOk ?? []).includes(c);
    categories[c] = {
      harmful: ofC.length,
      recall: ratio(ofC.filter((o) => o.refused !== null).length, ofC.length),
      recallSameCategory: ratio(ofC.filter((o) => o.refused === c || (o.refused !== null && (o.item.alsoOk ?? []).includes(o.refused))).length, ofC.length),
      precision: ratio(refusedAsC.filter(correct).length, refusedAsC.length),
      benignFalsePositiveRate: ratio(benign.filter((o) => o.refused === c).length, benign.length),
    };
  }
  return {
    prompts: outcomes.length,
    harmful: harmful.length,
    benign: benign.length,
    recall: ratio(harmful.filter((o) => o.refused !== null).length, harmful.length),
    falsePositiveRate: ratio(benign.filter((o) => o.refused !== null).length, benign.length),
    categories,
  };
}

const pct = (x: number): string => (Number.isNaN(x) ? '   n/a' : `${(100 * x).toFixed(1).padStart(5)}%`);

function printSplit(name: string, f: SplitFigures): void {
  console.log(`\n${name}: ${f.prompts} prompts (${f.harmful} harmful, ${f.benign} benign)`);
  console.log(`  recall (any refusal) ${pct(f.recall)}   false positives on benign ${pct(f.falsePositiveRate)}`);
  console.log('  category     n   recall  same-cat  precision  benign-FP');
  for (const c of POLICY_CATEGORIES) {
    const x = f.categories[c];
    console.log(`  ${c.padEnd(10)} ${String(x.harmful).padStart(3)}  ${pct(x.recall)}   ${pct(x.recallSameCategory)}     ${pct(x.precision)}     ${pct(x.benignFalsePositiveRate)}`);
  }
}

function main(): void {
  const verbose = process.argv.includes('--verbose');
  const asJson = process.argv.includes('--json');
  const devOnly = process.argv.includes('--dev-only');
  const t0 = performance.now();
  const outcomes: Outcome[] = load().filter((item) => !devOnly || item.split === 'dev').map((item) => {
    const d = checkPrompt(item.text);
    return { item, refused: d.allowed ? null : d.category };
  });
  const msPerPrompt = (performance.now() - t0) / outcomes.length;
  const result = {
    policyVersion: policyVersion(),
    msPerPrompt,
    dev: figures(outcomes.filter((o) => o.item.split === 'dev')),
    heldout: figures(outcomes.filter((o) => o.item.split === 'heldout')),
    challenge: figures(outcomes.filter((o) => o.item.split === 'challenge')),
    all: figures(outcomes),
  };
  if (asJson) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(`prompt policy ${result.policyVersion}, ${msPerPrompt.toFixed(2)} ms per prompt (first includes compiling the lists)`);
  printSplit('dev (tuned on)', result.dev);
  if (!devOnly) {
    printSplit('heldout (written before the lists, never tuned on)', result.heldout);
    printSplit('challenge (adversarial; first measured untuned, then tuned on: see docs/safety.md)', result.challenge);
    printSplit('all', result.all);
  }
  if (verbose) {
    console.log('\nmisses and false positives:');
    for (const o of outcomes) {
      const harmful = o.item.label !== 'benign';
      const wrong = harmful ? o.refused === null : o.refused !== null;
      if (wrong) console.log(`  [${o.item.split}] ${o.item.label.padEnd(9)} → ${String(o.refused ?? 'allowed').padEnd(9)} ${o.item.text}`);
    }
  }
}

main();
