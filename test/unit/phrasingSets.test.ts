import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandPrompt } from '../../src/architectures/tessera-tiny/promptExpansion';
import { devSet, heldOut2Set, heldOutSet, type PhrasingSet } from '../fixtures/phrasing/phrasingSets';
import { scoreEntry } from '../fixtures/phrasing/phrasingScore';
import { canonicalCaption, sceneOfCaption } from '../fixtures/phrasing/scenes';

const frozen = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/phrasing/${name}.json`, import.meta.url), 'utf8')) as PhrasingSet;

describe('phrasing sets (npm run phrasing:eval)', () => {
  it('keeps the frozen sets equal to their templates (rewrite them with writeSets.ts)', () => {
    expect(frozen('dev')).toEqual(devSet());
    expect(frozen('held-out')).toEqual(heldOutSet());
    expect(frozen('held-out-2')).toEqual(heldOut2Set());
  });

  it('shares no template between the sets', () => {
    const templates = [devSet(), heldOutSet(), heldOut2Set()].map((set) => [...new Set(set.entries.map((e) => e.template))]);
    expect(new Set(templates.flat()).size).toBe(templates.flat().length);
  });

  it('reads every canonical caption back into its scene, and expansion keeps it whole', () => {
    for (const entry of [...devSet().entries, ...heldOutSet().entries, ...heldOut2Set().entries]) {
      expect(sceneOfCaption(entry.caption)).toEqual(entry.scene);
      expect(canonicalCaption(entry.scene)).toBe(entry.caption);
      const result = scoreEntry({ ...entry, prompt: entry.caption }, expandPrompt(entry.caption));
      expect(result.caption).toBe(entry.caption);
    }
  });

  it('counts a changed colour as a misreading and a defaulted one as a miss only', () => {
    const entry = devSet().entries.find((e) => e.scene.kind === 'single' && e.scene.objects[0]!.colour !== 'red')!;
    const { scene } = entry;
    const object = scene.objects[0]!;
    const wrong = scoreEntry(entry, expandPrompt(`a red ${object.shape} ${object.motion} on a ${scene.bg} background`));
    expect(wrong.attributes.colour).toEqual({ correct: 0, total: 1, misread: 1 });
    const open = scoreEntry(entry, expandPrompt(`a ${object.shape} ${object.motion} on a ${scene.bg} background`));
    expect(open.attributes.colour.misread).toBe(0);
    expect(open.attributes.background).toEqual({ correct: 1, total: 1, misread: 0 });
  });
});
