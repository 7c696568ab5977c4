/** wan2.1 manifests: the sections only they have, their files (graphs and data), and their compute bounds. */
import { describe, expect, it } from 'vitest';
import { fileFor, graphRoles, ManifestError, parseManifest, type ManifestErrorCode } from '../../src/models/manifest';
import { dataRolesOf } from '../../src/models/packArchitectures';
import { validManifestJson } from '../fixtures/manifestFixture';
import { wan21ManifestJson } from '../fixtures/wan21ManifestFixture';

type Json = Record<string, any>;

function refusal(change: (json: Json) => void): ManifestError {
  const json = wan21ManifestJson();
  change(json);
  try {
    parseManifest(json);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('parseManifest accepted an invalid wan2.1 manifest');
}

function expectRefused(change: (json: Json) => void, code: ManifestErrorCode, field: string): ManifestError {
  const error = refusal(change);
  expect({ code: error.code, field: error.field }).toEqual({ code, field });
  expect(error.message).toContain(field);
  return error;
}

describe('wan2.1 manifest', () => {
  it('parses, with its sections, its licence, four graph roles and two data files', () => {
    const manifest = parseManifest(wan21ManifestJson(), 'https://example.com/wan/');
    if (manifest.architecture !== 'wan2.1') throw new Error(`parsed as ${manifest.architecture}`);
    expect(manifest.tokenizer).toEqual({ type: 'unigram', maxLength: 512, padId: 0, eosId: 1 });
    expect(manifest.text).toEqual({ embedDim: 4096, contextLength: 512, vocabSize: 256384, negativePrompt: 'blurry, static' });
    expect(manifest.dit).toEqual({ heads: 12, headDim: 128, ropeTheta: 10000 });
    expect(manifest.vae).toEqual({ cacheTensors: 32 });
    expect(manifest.license).toBe('Apache-2.0');
    expect(graphRoles(manifest)).toEqual(['textEncoder', 'dit', 'vaeDecoderFirst', 'vaeDecoderStep']);
    expect(dataRolesOf('wan2.1')).toEqual(['tokenizer', 'tokenEmbeddings']);
    expect(fileFor(manifest, 'tokenEmbeddings').url).toBe('https://example.com/wan/token_embeddings.bin');
    expect(manifest.runtime.memoryPlan).toBe('sequential');
  });

  it('admits the browser sizes: 320×192 and 256×256 at 33 frames (2,160 and 2,304 tokens)', () => {
    const json = wan21ManifestJson();
    json.video.frameCounts = [1, 17, 33];
    expect(parseManifest(json).video.frameCounts).toEqual([1, 17, 33]);
  });

  it('still refuses a hostile clip: 832×480 × 81 frames is 32,760 tokens', () => {
    const error = expectRefused((m) => {
      m.video.sizes['16:9'] = { width: 832, height: 480 };
      m.video.frameCounts = [17, 81];
    }, 'exceeds-limit', 'video.sizes.16:9 × video.frameCounts[1]');
    expect(error.message).toContain('32,760 tokens');
  });

  it('sizes its text buffer by text.contextLength', () => {
    const error = expectRefused((m) => {
      m.text.contextLength = 4096;
      m.tokenizer.maxLength = 4096;
      m.text.embedDim = 16384;
      m.files[1].bytes = m.text.vocabSize * (4 + 16384);
    }, 'exceeds-limit', 'text.embedDim');
    expect(error.message).toContain('text.contextLength × text.embedDim');
  });

  it.each([
    ['tokenizer', 'missing-field', 'tokenizer', (m: Json): unknown => delete m.tokenizer],
    ['tokenizer type word', 'invalid-value', 'tokenizer.type', (m: Json): unknown => (m.tokenizer.type = 'word')],
    ['maxLength', 'missing-field', 'tokenizer.maxLength', (m: Json): unknown => delete m.tokenizer.maxLength],
    ['maxLength over contextLength', 'invalid-value', 'tokenizer.maxLength', (m: Json): unknown => (m.tokenizer.maxLength = 513)],
    ['padId outside the vocabulary', 'invalid-value', 'tokenizer.padId', (m: Json): unknown => (m.tokenizer.padId = 256384)],
    ['eosId', 'missing-field', 'tokenizer.eosId', (m: Json): unknown => delete m.tokenizer.eosId],
    ['eosId a string', 'wrong-type', 'tokenizer.eosId', (m: Json): unknown => (m.tokenizer.eosId = '1')],
    ['contextLength', 'missing-field', 'text.contextLength', (m: Json): unknown => delete m.text.contextLength],
    ['vocabSize', 'missing-field', 'text.vocabSize', (m: Json): unknown => delete m.text.vocabSize],
    ['negativePrompt', 'missing-field', 'text.negativePrompt', (m: Json): unknown => delete m.text.negativePrompt],
    ['negativePrompt a list', 'wrong-type', 'text.negativePrompt', (m: Json): unknown => (m.text.negativePrompt = ['blurry'])],
    ['dit', 'missing-field', 'dit', (m: Json): unknown => delete m.dit],
    ['heads 0', 'invalid-value', 'dit.heads', (m: Json): unknown => (m.dit.heads = 0)],
    ['headDim odd', 'invalid-value', 'dit.headDim', (m: Json): unknown => (m.dit.headDim = 127)],
    ['headDim under 6', 'invalid-value', 'dit.headDim', (m: Json): unknown => (m.dit.headDim = 4)],
    ['ropeTheta', 'missing-field', 'dit.ropeTheta', (m: Json): unknown => delete m.dit.ropeTheta],
    ['vae', 'missing-field', 'vae', (m: Json): unknown => delete m.vae],
    ['cacheTensors 0', 'invalid-value', 'vae.cacheTensors', (m: Json): unknown => (m.vae.cacheTensors = 0)],
    ['licence with a newline', 'invalid-value', 'license', (m: Json): unknown => (m.license = 'Apache\n2.0')],
    ['embedding file of the wrong size', 'invalid-value', 'files[1].bytes', (m: Json): unknown => (m.files[1].bytes -= 1)],
    ['external data of a data file', 'invalid-value', 'files[8].of', (m: Json): unknown => m.files.push({ role: 'externalData', of: 'tokenizer', path: 't.data', bytes: 5, sha256: 'e'.repeat(64) })],
    ['a tessera-tiny role', 'invalid-value', 'files[8].role', (m: Json): unknown => m.files.push({ role: 'vaeEncoder', path: 'vae_encoder.onnx', bytes: 5, sha256: 'e'.repeat(64) })],
  ] as const)('refuses a bad %s, naming the field', (_, code, field, change) => {
    expectRefused(change, code, field);
  });

  it('needs both data files', () => {
    const error = expectRefused((m) => m.files.splice(0, 1, { role: 'externalData', of: 'dit', path: 'dit.onnx.data.1', bytes: 5, sha256: 'e'.repeat(64) }), 'missing-role', 'files');
    expect(error.message).toContain('no file with role "tokenizer"');
    expect(error.message).toContain('textEncoder, dit, vaeDecoderFirst, vaeDecoderStep, tokenizer, tokenEmbeddings');
  });

  it('lets a tessera-tiny pack name its licence, and parses one without as before', () => {
    const json = { ...validManifestJson(), license: 'MIT' };
    expect(parseManifest(json).license).toBe('MIT');
    expect(Object.hasOwn(parseManifest(validManifestJson()), 'license')).toBe(false);
  });
});
