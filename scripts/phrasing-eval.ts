/**
 * `npm run phrasing:eval`: how well prompt expansion reads free phrasings. Expands every prompt of the
 * frozen phrasing sets (test/fixtures/phrasing/, each written from its own templates) and compares the
 * caption's colour, shape, motion and background with the scene the prompt was written from. Prints
 * a table and writes the figures to training/results/phrasing-eval.json.
 *
 * The sets: `dev` (tuned on), `held-out` (measured once before its failures were read, then tuned
 * on: its first figures are in training/results/phrasing-eval-held-out-first.json) and `held-out-2`
 * (written before the first held-out set's failures were read; measured, never tuned on).
 *
 * `--sets dev,held-out` measures only those sets (and leaves the JSON alone); `--failures <set>` also
 * prints the prompts of that set that miss, with their captions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expandPrompt } from '../src/architectures/tessera-tiny/promptExpansion';
import type { PhrasingSet } from '../test/fixtures/phrasing/phrasingSets';
import { ATTRIBUTES, percent, scoreEntry, summarise, type Attribute, type EntryResult, type SetScore } from '../test/fixtures/phrasing/phrasingScore';

const SET_NAMES = ['dev', 'held-out', 'held-out-2'] as const;
const OUTPUT = fileURLToPath(new URL('../training/results/phrasing-eval.json', import.meta.url));

function readSet(name: (typeof SET_NAMES)[number]): PhrasingSet {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../test/fixtures/phrasing/${name}.json`, import.meta.url)), 'utf8')) as PhrasingSet;
}

type Figures = Record<Attribute, number> & {
  prompts: number;
  exactCaption: number;
  misread: Record<Attribute, number>;
  withUnknownWords: number;
};

/** Accuracy in percent per attribute, plus exact captions and misreadings. */
function figures(score: SetScore): Figures {
  const per = (value: (a: Attribute) => number) => Object.fromEntries(ATTRIBUTES.map((a) => [a, value(a)])) as Record<Attribute, number>;
  return {
    prompts: score.prompts,
    ...per((a) => percent(score.attributes[a].correct, score.attributes[a].total)),
    exactCaption: percent(score.exactCaptions, score.prompts),
    misread: per((a) => score.attributes[a].misread),
    withUnknownWords: score.withUnknownWords,
  };
}

function groupBy(results: readonly EntryResult[], key: (r: EntryResult) => string) {
  const groups = new Map<string, EntryResult[]>();
  for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return Object.fromEntries([...groups].map(([k, rs]) => [k, figures(summarise(rs))]));
}

const failuresOf = process.argv.includes('--failures') ? process.argv[process.argv.indexOf('--failures') + 1] : undefined;
if (failuresOf !== undefined && !SET_NAMES.includes(failuresOf as never)) {
  throw new Error(`--failures takes one of ${SET_NAMES.join(', ')}; got ${JSON.stringify(failuresOf)}`);
}

const setsArg = process.argv.includes('--sets') ? process.argv[process.argv.indexOf('--sets') + 1] : undefined;
const chosen = setsArg === undefined ? SET_NAMES : setsArg.split(',');
const unknownSet = chosen.find((name) => !SET_NAMES.includes(name as never));
if (unknownSet !== undefined) throw new Error(`--sets takes names from ${SET_NAMES.join(', ')}; got ${JSON.stringify(unknownSet)}`);

const report: Record<string, unknown> = { date: new Date().toISOString().slice(0, 10) };
console.log('| set | prompts | colour % | shape % | motion % | background % | exact caption % | misread (c/s/m/b) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const name of SET_NAMES.filter((n) => chosen.includes(n))) {
  const results = readSet(name).entries.map((entry) => scoreEntry(entry, expandPrompt(entry.prompt)));
  const overall = figures(summarise(results));
  report[name] = { overall, byFamily: groupBy(results, (r) => r.entry.family), byTemplate: groupBy(results, (r) => r.entry.template) };
  const m = overall.misread;
  console.log(
    `| ${name} | ${overall.prompts} | ${overall.colour} | ${overall.shape} | ${overall.motion} | ${overall.background} | ${overall.exactCaption} | ${m.colour}/${m.shape}/${m.motion}/${m.background} |`,
  );
  if (name === failuresOf) {
    for (const r of results.filter((r) => r.caption !== r.entry.caption)) {
      console.log(`  ${JSON.stringify(r.entry.prompt)}\n    got  ${r.caption}\n    want ${r.entry.caption}${r.unknownWords.length ? `\n    not understood: ${r.unknownWords.join(', ')}` : ''}`);
    }
  }
}
if (setsArg === undefined) {
  writeFileSync(OUTPUT, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`written to ${OUTPUT}`);
}
