/**
 * Regenerates `src/safety/policy-data/fuzzy-exceptions.json`: the dictionary words one typo away
 * from a policy term ("setting" vs "sexting", "cookie" vs a slur), which fuzzy matching must leave
 * alone. Run after editing the term lists:
 *
 *   npx tsx scripts/policy-fuzzy-exceptions.ts [/usr/share/dict/words]
 *
 * The word list is Debian's `wamerican-large` (`apt-get install wamerican-large`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileCategory, type CategoryData, type LexiconData } from '../src/safety/policyData';
import { withinOneEdit } from '../src/safety/policyMatcher';

const DATA = new URL('../src/safety/policy-data/', import.meta.url);
const readJson = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, DATA), 'utf8')) as T;

function deletions(word: string): string[] {
  const out = [word];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

function main(): void {
  const dictPath = process.argv[2] ?? '/usr/share/dict/words';
  const lexicon = readJson<LexiconData>('lexicon.json');
  const categories = ['violent', 'sexual', 'hateful', 'copyright'].map((c) => compileCategory(readJson<CategoryData>(`${c}.json`), lexicon));

  const index = new Map<string, string[]>();
  for (const category of categories) {
    for (const rule of category.rules) {
      for (const phrase of rule.match) {
        for (const word of phrase) {
          for (const f of word.fuzzyForms) {
            for (const d of deletions(f)) index.set(d, [...(index.get(d) ?? []), f]);
          }
        }
      }
    }
  }

  const words = new Set(
    readFileSync(dictPath, 'utf8')
      .split('\n')
      .map((w) => w.trim().toLowerCase().normalize('NFKD').replace(/\p{M}/gu, ''))
      .filter((w) => /^[a-z]{4,}$/.test(w)),
  );
  const exceptions: string[] = [];
  for (const w of words) {
    // A word one typo from some other term form is an exception even if it is a term itself:
    // exceptions only switch off fuzzy matching, exact matches still count.
    const near = deletions(w).some((d) => (index.get(d) ?? []).some((f) => f !== w && withinOneEdit(w, f)));
    if (near) exceptions.push(w);
  }
  exceptions.sort();
  const out = fileURLToPath(new URL('fuzzy-exceptions.json', DATA));
  const body = {
    version: new Date().toISOString().slice(0, 10),
    source: `dictionary words within one edit of a fuzzy policy term, from ${dictPath} (Debian wamerican-large)`,
    words: exceptions,
  };
  writeFileSync(out, `${JSON.stringify(body, null, 0).replace(/","/g, '", "')}\n`);
  console.log(`${exceptions.length} exceptions from ${words.size} dictionary words → ${out}`);
}

main();
