import { describe, expect, it } from 'vitest';
import { addPngText } from '../../src/media/png';
import { fileSettingsFromJson, fileSettingsFromRecord, readFileSettings } from '../../src/share/fileSettings';
import { fileRecord, type ProvenanceInfo } from '../../src/safety/fileProvenance';
import { buildProvenance, provenancePngText } from '../../src/safety/provenance';

/** A storyboard's render as src/engine/storyboardJob.ts describes it to the record. */
const STORY_INFO: ProvenanceInfo = {
  settings: { prompt: 'a red circle moving right', negativePrompt: '', aspect: '16:9', frames: 17, steps: 2, guidance: 4, seed: 42, expandPrompt: false },
  expandedPrompt: 'a red circle moving right',
  packName: 'tessera-tiny',
  packVersion: '1.3.0',
  width: 56,
  height: 32,
  fps: 8,
};

/** The flat record src/engine/provenance.ts writes into MP4 `comment` and PNG `Comment`. */
const ENGINE_RECORD = {
  generator: 'Tessera',
  model: 'tessera-tiny@0.3.0',
  promptSha256: '0'.repeat(64),
  prompt: 'a red circle moving left',
  expandedPrompt: 'a red circle moving left on a black background',
  negativePrompt: '',
  seed: 77,
  steps: 2,
  guidance: 4,
  aspect: '16:9',
  frames: 9,
  size: '224x128',
  fps: 8,
};

/** The smallest valid PNG: 1×1 grey, no text chunks. */
const TINY_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

describe('settings from a Tessera file', () => {
  it('reads the engine record: prompt, seed, steps, guidance, size and pack', () => {
    expect(fileSettingsFromRecord(ENGINE_RECORD)).toEqual({
      settings: { prompt: 'a red circle moving left', negativePrompt: '', seed: 77, aspect: '16:9', frames: 9, steps: 2, guidance: 4 },
      modelPack: 'tessera-tiny@0.3.0',
      hasPrompt: true,
      storyboard: null,
    });
  });

  it("reads the safety module's record, nested settings and no prompt", async () => {
    const record = await buildProvenance({
      prompt: 'secret prompt',
      modelPack: { name: 'tessera-tiny', version: '0.3.0' },
      seed: 12,
      settings: { steps: 6, guidance: 2.5, width: 128, height: 224, frames: 17, fps: 8, aspect: '9:16', expand: false },
      policyVersion: 'test',
    });
    const found = fileSettingsFromRecord(record);
    expect(found).toEqual({ settings: { seed: 12, aspect: '9:16', frames: 17, steps: 6, guidance: 2.5, expandPrompt: false }, modelPack: 'tessera-tiny@0.3.0', hasPrompt: false, storyboard: null });
    expect(JSON.stringify(found)).not.toContain('secret');
  });

  it("reads the board a storyboard's record carries, and leaves out one that breaks the format", async () => {
    const board = { aspect: '16:9', seed: 42, cards: [{ type: 'text', prompt: 'a red circle moving right', seconds: 2 }, { type: 'image', file: 'key.png', at: 'last' }] };
    const record = { ...(await fileRecord(STORY_INFO)), storyboard: board };
    const found = fileSettingsFromJson(JSON.stringify(record));
    expect(found?.storyboard).toEqual({ format: 'tessera-storyboard', version: 1, ...board });
    const written = await fileRecord({ ...STORY_INFO, storyboard: found!.storyboard! });
    expect(fileSettingsFromRecord(written)?.storyboard).toEqual(found?.storyboard);
    // The board holds the prompts: a file written without its prompt carries no board either.
    expect(fileSettingsFromRecord(await fileRecord({ ...STORY_INFO, includePrompt: false, storyboard: found!.storyboard! }))?.storyboard).toBeNull();
    const broken = fileSettingsFromJson(JSON.stringify({ ...record, storyboard: { ...board, seed: -1 } }));
    expect(broken?.storyboard).toBeNull();
    expect(broken?.settings.seed).toBe(42);
  });

  it('refuses records that are not Tessera’s or carry no valid seed', () => {
    expect(fileSettingsFromRecord({ ...ENGINE_RECORD, generator: 'Other' })).toBeNull();
    expect(fileSettingsFromRecord({ ...ENGINE_RECORD, seed: -1 })).toBeNull();
    expect(fileSettingsFromJson('not json')).toBeNull();
    expect(fileSettingsFromJson(null)).toBeNull();
  });

  it('reads a PNG carrying the record in either text chunk', async () => {
    const engineFile = new Blob([addPngText(TINY_PNG, { Software: 'Tessera', Comment: JSON.stringify(ENGINE_RECORD) }) as Uint8Array<ArrayBuffer>]);
    expect((await readFileSettings(engineFile))?.settings.seed).toBe(77);
    const record = await buildProvenance({ prompt: 'p', modelPack: { name: 'a', version: '1' }, seed: 3, settings: { steps: 4 }, policyVersion: 'v' });
    const safetyFile = new Blob([addPngText(TINY_PNG, provenancePngText(record)) as Uint8Array<ArrayBuffer>]);
    expect((await readFileSettings(safetyFile))?.settings).toEqual({ seed: 3, steps: 4 });
  });

  it('is null for a plain PNG and for files that are neither PNG nor MP4', async () => {
    expect(await readFileSettings(new Blob([TINY_PNG]))).toBeNull();
    expect(await readFileSettings(new Blob(['hello, not a video']))).toBeNull();
  });
});
