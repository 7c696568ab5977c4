import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import copyright from '../../src/safety/policy-data/copyright.json';
import hateful from '../../src/safety/policy-data/hateful.json';
import sexual from '../../src/safety/policy-data/sexual.json';
import violent from '../../src/safety/policy-data/violent.json';
import { compileCategory, inflections, PolicyDataError, type CategoryData, type LexiconData } from '../../src/safety/policyData';
import { withinOneEdit } from '../../src/safety/policyMatcher';
import {
  assertPromptsAllowed,
  checkPrompt,
  PolicyRefusalError,
  policyVersion,
  type PolicyCategory,
} from '../../src/safety/promptPolicy';

const refusedAs = (text: string): PolicyCategory | null => {
  const d = checkPrompt(text);
  return d.allowed ? null : d.category;
};

describe('checkPrompt: the policy table', () => {
  const cases: [string, PolicyCategory | null][] = [
    ['a red circle moving left on a blue background', null],
    ['the camera pans right over green hills and blue trees under a white sky', null],
    ['a man stabbing his neighbour', 'violent'],
    ['graphic beheading video', 'violent'],
    ['k.i.l.l the man', 'violent'],
    ['ѕhооting a cop', 'violent'],
    ['a naked woman on a bed', 'sexual'],
    ['p0rn', 'sexual'],
    ['n u d e couple', 'sexual'],
    ['ｎａｋｅｄ man', 'sexual'],
    ['jews are vermin', 'hateful'],
    ['h3il h1tler', 'hateful'],
    ['Mickey Mouse dancing', 'copyright'],
    ['the nike logo', 'copyright'],
    ['Barack 0bama eating ice cream', 'copyright'],
    ['pikachoo running', 'copyright'],
  ];
  it.each(cases)('%s → %s', (text, category) => {
    expect(refusedAs(text)).toBe(category);
  });
});

describe('checkPrompt: benign near-misses stay allowed', () => {
  const benign = [
    'a red blood cell flowing through a vein',
    'a shooting star across the night sky',
    'kill the lights',
    'a bat flying out of a cave',
    'a swimmer doing the breast stroke',
    'a killer whale jumping',
    'a chicken breast in a pan',
    'naked tree branches in winter',
    'an apple falling from a tree',
    'a german shepherd dog playing fetch',
    'a hindu temple with a swastika carving',
    'a peaceful street with no violence',
    'a phone with a dead battery',
    'a star shaped cookie',
    'someone setting the table',
  ];
  it.each(benign)('%s', (text) => {
    expect(checkPrompt(text)).toEqual({ allowed: true });
  });
});

describe('refusals', () => {
  it('names the category in plain words', () => {
    const d = checkPrompt('a man stabbing his neighbour');
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.message).toMatch(/^This prompt asks for violent or gory content/);
  });
  it('throws a typed error naming the refused field', () => {
    let caught: unknown;
    try {
      assertPromptsAllowed({ prompt: 'a red circle', negativePrompt: 'porn' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PolicyRefusalError);
    const err = caught as PolicyRefusalError;
    expect([err.code, err.name, err.category, err.field]).toEqual(['policy-refused', 'PolicyRefusalError', 'sexual', 'negativePrompt']);
    expect(err.message).toMatch(/^The negative prompt asks for sexual content/);
  });
  it('lets an allowed request through and skips empty fields', () => {
    expect(() => assertPromptsAllowed({ prompt: 'a blue square moving up', expandedPrompt: '', negativePrompt: undefined })).not.toThrow();
  });
  it('reports the data versions in force', () => {
    expect(policyVersion()).toMatch(/^[\w.-]+(\+[\w.-]+){6}$/);
  });
});

describe('policy data', () => {
  const files = [violent, sexual, hateful, copyright] as CategoryData[];
  const lexicon = JSON.parse(readFileSync(new URL('../../src/safety/policy-data/lexicon.json', import.meta.url), 'utf8')) as LexiconData;

  it('refuses every unconditional term on its own (no allow-phrase hides a term)', () => {
    const missed: string[] = [];
    for (const file of files) {
      for (const rule of file.rules) {
        if (rule.near || rule.unlessScope === 'prompt') continue;
        for (const term of rule.match) {
          if (term.startsWith('@')) continue;
          const text = term.replace(/^=/, '');
          if (refusedAs(text) === null) missed.push(`${file.category}.${rule.id}: ${text}`);
        }
      }
    }
    expect(missed).toEqual([]);
  });

  it('rejects a category file with an unknown group, naming it', () => {
    const bad = { version: '1', category: 'violent', allow: [], rules: [{ id: 'x', match: ['@nope'] }] } as CategoryData;
    expect(() => compileCategory(bad, lexicon)).toThrow(PolicyDataError);
    expect(() => compileCategory(bad, lexicon)).toThrow(/unknown group "@nope"/);
  });

  it('inflects terms regularly', () => {
    expect(inflections('stab')).toEqual(expect.arrayContaining(['stabs', 'stabbed', 'stabbing']));
    expect(inflections('rape')).toEqual(expect.arrayContaining(['raped', 'raping']));
    expect(inflections('rape')).not.toContain('rapping');
  });

  it('counts one insertion, deletion, substitution or swap as one edit', () => {
    expect(withinOneEdit('murder', 'murdr')).toBe(true);
    expect(withinOneEdit('murder', 'mudrer')).toBe(true);
    expect(withinOneEdit('murder', 'murmur')).toBe(false);
  });
});

describe('the labelled evaluation set', () => {
  const rows = readFileSync(new URL('../fixtures/safety/prompts.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { split: string; label: string });
  it('has at least 300 prompts, 150 harmful and 150 benign, with a held-out split', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    expect(rows.filter((r) => r.label !== 'benign').length).toBeGreaterThanOrEqual(150);
    expect(rows.filter((r) => r.label === 'benign').length).toBeGreaterThanOrEqual(150);
    expect(rows.filter((r) => r.split === 'heldout').length).toBeGreaterThanOrEqual(90);
  });
});
