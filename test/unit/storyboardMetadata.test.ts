import { describe, expect, it } from 'vitest';
import { buildProvenance, parseProvenance } from '../../src/safety/provenance';
import { storyboardFromRecord, withStoryboard } from '../../src/storyboard/storyboardMetadata';
import { parseStoryboard } from '../../src/storyboard/storyboardValidator';

const board = parseStoryboard({ aspect: '16:9', seed: 42, cards: [{ type: 'text', prompt: 'a red circle moving right', seconds: 2 }, { type: 'image', file: 'key.png', at: 'last' }] });

describe('the storyboard in a file’s provenance record', () => {
  it('round-trips through the record’s JSON text as the MP4 comment and PNG iTXt carry it', async () => {
    const record = await buildProvenance({
      prompt: 'a red circle moving right',
      negativePrompt: '',
      modelPack: { name: 'tessera-tiny', version: '1.3.0' },
      seed: 42,
      settings: { aspect: '16:9', frames: 17 },
      policyVersion: 'test',
    });
    const text = JSON.stringify(withStoryboard(record, board));
    const read = parseProvenance(text);
    expect(read).not.toBeNull();
    expect(storyboardFromRecord(read)).toEqual(board);
  });

  it('reads no board from a record without one, and refuses a broken one with its path', () => {
    expect(storyboardFromRecord({ generator: 'Tessera' })).toBeNull();
    expect(storyboardFromRecord(null)).toBeNull();
    expect(() => storyboardFromRecord({ storyboard: { ...board, seed: -1 } })).toThrow(/^seed: /);
  });
});
