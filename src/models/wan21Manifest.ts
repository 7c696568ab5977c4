/**
 * The sections only a wan2.1 manifest has (docs/model-pack.md, "wan2.1 packs"): its Unigram
 * tokenizer's ids, the text side (context length, vocabulary, default negative prompt), the DiT's
 * heads and RoPE, and the streaming VAE's cache. Checked as strictly as the rest of the manifest:
 * every refusal names its field path.
 */
import { ManifestError } from './manifestError';
import { child, integer, number, oneOf, string, type Node } from './manifestReader';
import type { ManifestFile, UnigramTokenizerSpec, Wan21DitSpec, Wan21TextSpec, Wan21VaeSpec } from './manifestTypes';

/** Longest prompt a Unigram tokenizer may keep (umT5 uses 512). */
const MAX_TOKENS = 4096;
/** Longest default negative prompt (Wan2.1's official one is a few hundred characters). */
const MAX_NEGATIVE_PROMPT = 8192;

export interface Wan21Sections {
  readonly tokenizer: UnigramTokenizerSpec;
  readonly text: Wan21TextSpec;
  readonly dit: Wan21DitSpec;
  readonly vae: Wan21VaeSpec;
}

/** The wan2.1 sections of `root`, checked against each other and against the pack's token-embedding file. */
export function parseWan21Sections(root: Node, files: readonly ManifestFile[]): Wan21Sections {
  const text = parseText(child(root, 'text'));
  const tokenizer = parseTokenizer(child(root, 'tokenizer'), text);
  checkEmbeddingFile(files, text);
  return { tokenizer, text, dit: parseDit(child(root, 'dit')), vae: { cacheTensors: integer(child(root, 'vae'), 'cacheTensors', 1, 1024) } };
}

function parseText(node: Node): Wan21TextSpec {
  const negativePrompt = string(node, 'negativePrompt');
  if (negativePrompt.length > MAX_NEGATIVE_PROMPT) {
    throw new ManifestError('invalid-value', `${node.path}.negativePrompt`, `has ${negativePrompt.length} characters, the most allowed is ${MAX_NEGATIVE_PROMPT}`);
  }
  return {
    embedDim: integer(node, 'embedDim', 1, 65536),
    contextLength: integer(node, 'contextLength', 1, MAX_TOKENS),
    vocabSize: integer(node, 'vocabSize', 2, 4_194_304),
    negativePrompt,
  };
}

function parseTokenizer(node: Node, text: Wan21TextSpec): UnigramTokenizerSpec {
  oneOf(node, 'type', ['unigram'] as const);
  const maxLength = integer(node, 'maxLength', 1, MAX_TOKENS);
  if (maxLength > text.contextLength) {
    throw new ManifestError('invalid-value', `${node.path}.maxLength`, `got ${maxLength}, more than text.contextLength (${text.contextLength}), the rows the DiT attends to`);
  }
  const padId = integer(node, 'padId', 0, text.vocabSize - 1);
  const eosId = integer(node, 'eosId', 0, text.vocabSize - 1);
  return { type: 'unigram', maxLength, padId, eosId };
}

function parseDit(node: Node): Wan21DitSpec {
  const heads = integer(node, 'heads', 1, 1024);
  // RoPE rotates pairs, and each of t, h, w needs at least one frequency: head_dim/6 ≥ 1.
  const headDim = integer(node, 'headDim', 6, 1024);
  if (headDim % 2 !== 0) throw new ManifestError('invalid-value', `${node.path}.headDim`, `got ${headDim}, expected an even number (RoPE rotates pairs)`);
  return { heads, headDim, ropeTheta: number(node, 'ropeTheta', 1, 1e9) };
}

/** The row file holds `vocabSize` float32 scales, then `vocabSize` rows of `embedDim` int8: its size says whether it is this table. */
function checkEmbeddingFile(files: readonly ManifestFile[], text: Wan21TextSpec): void {
  const index = files.findIndex((f) => f.role === 'tokenEmbeddings');
  const file = files[index];
  if (!file) return;
  const expected = text.vocabSize * (4 + text.embedDim);
  if (file.bytes !== expected) {
    throw new ManifestError(
      'invalid-value',
      `files[${index}].bytes`,
      `got ${file.bytes}, expected ${expected}: text.vocabSize (${text.vocabSize}) float32 scales and as many rows of text.embedDim (${text.embedDim}) int8`,
    );
  }
}
