/**
 * `npm run phrasing:eval`: how well prompt expansion reads free phrasings. Expands every prompt of the
 * frozen development and held-out sets (test/fixtures/phrasing/, written from separate templates) and
 * compares the caption's colour, shape, motion and background with the scene the prompt was written
 * from. Prints a table and writes the figures to training/results/phrasing-eval.json.
 *
 * `--failures dev` (or `held-out`) also prints the prompts that miss, with their captions. Tune on
 * dev only; held-out failures are for reporting what is left once tuning is over.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expandPrompt } from '../src/architectures/tessera-tiny/promptExpansion';
import type { PhrasingSet } from '../test/fixtures/phrasing/phrasingSets';
import { ATTRIBUTES, percent, scoreEntry, summarise, type EntryResult, type SetScore } from '../test/fixtures/phrasing/phrasingScore';

const SET_NAMES = ['dev', 'held-out'] as const;
const OUTPUT = fileURLToPath(new URL('../training/results/phrasing-eval.json', import.meta.url));

function readSet(name: (typeof SET_NAMES)[number]): PhrasingSet {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../test/fixtures/phrasing/${name}.json`, import.meta.url)), 'utf8')) as PhrasingSet;
}

/** Accuracy in percent per attribute, plus exact captions and misreadings. */
function figures(score: SetScore) {
  return {
    prompts: score.prompts,
    ...Object.fromEntries(ATTRIBUTES.map((a) => [a, percent(score.attributes[a].correct, score.attributes[a].total)])),
    exactCaption: percent(score.exactCaptions, score.prompts),
    misread: Object.fromEntries(ATTRIBUTES.map((a) => [a, score.attributes[a].misread])),
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

const report: Record<string, unknown> = { date: new Date().toISOString().slice(0, 10) };
console.log('| set | prompts | colour % | shape % | motion % | background % | exact caption % | misread (c/s/m/b) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const name of SET_NAMES) {
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
writeFileSync(OUTPUT, `${JSON.stringify(report, null, 1)}\n`);
console.log(`written to ${OUTPUT}`);
