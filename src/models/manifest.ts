/**
 * The model-pack manifest (docs/model-pack.md, formatVersion 2, and 1 migrated on read): its types and the one parser that
 * every reader (browser worker, CLI, tests) goes through. Whatever passes `parseManifest` is safe to
 * use: paths cannot escape the pack, nesting is shallow, every size and frame count it allows maps
 * onto a whole number of latent patches, and every clip it offers fits the limits of computeBounds.ts.
 */
import { describeValue } from './describeValue';
import { checkComputeBounds } from './computeBounds';
import { checkJsonDepth } from './jsonDepth';
import { ManifestError } from './manifestError';
import { migrateToCurrent } from './manifestMigration';
import {
  array,
  boolean,
  child,
  field,
  integer,
  integerValue,
  number,
  numberValue,
  object,
  oneOf,
  string,
  type Node,
} from './manifestReader';
import {
  DTYPES,
  MANIFEST_FORMAT_VERSION,
  MAX_CHUNK_BYTES,
  MAX_FILE_BYTES,
  MIN_CHUNK_BYTES,
  MEMORY_PLANS,
  MAX_DECODER_UPSCALE,
  SCHEDULER_TYPE_NAMES,
  type ModelRole,
  type ChunkHashes,
  type ManifestFile,
  type TokenizerSpec,
  type LatentSpec,
  type PatchSpec,
  type VideoSize,
  type VideoSpec,
  type SchedulerSpec,
  type PreviewSpec,
  type Requirements,
  type RuntimeSpec,
  type Manifest,
} from './manifestTypes';
import { ARCHITECTURE_NAMES, dataRolesOf, rolesOf, type ArchitectureName } from './packArchitectures';
import { parseWan21Sections } from './wan21Manifest';

export { ManifestError, type ManifestErrorCode } from './manifestError';
export { MAX_BUFFER_BYTES, MAX_FRAMES_PER_CLIP, MAX_PIXELS_PER_FRAME, MAX_TOKENS_PER_CLIP } from './computeBounds';
export { MAX_JSON_DEPTH } from './jsonDepth';
export * from './manifestTypes';
export type { ArchitectureName } from './packArchitectures';

const NAME = /^[a-z0-9-]{1,64}$/;
const SEMVER = /^\d{1,9}\.\d{1,9}\.\d{1,9}(?:[-+][0-9A-Za-z.-]{1,64})?$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;
const ASPECT = /^[1-9]\d{0,2}:[1-9]\d{0,2}$/;
/** A licence name: printable ASCII, no control characters. */
const LICENSE = /^[\x20-\x7e]{1,128}$/;
/** Relative path of plain segments: no scheme, no leading slash, no backslash, no query. */
const SAFE_PATH = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

/**
 * Validates a parsed manifest.json against docs/model-pack.md.
 * @param json the result of `JSON.parse` (anything)
 * @param baseUrl where the pack lives; when given, each file gets an absolute `url`
 * @throws ManifestError and nothing else, naming the field, the value and what is allowed
 */
export function parseManifest(json: unknown, baseUrl?: string): Manifest {
  checkJsonDepth(json);
  const given = object(json, '');
  if (field(given, 'format') !== 'tessera-model-pack') {
    throw new ManifestError('wrong-format', 'format', `got ${describeValue(given.value.format)}, expected "tessera-model-pack"`);
  }
  field(given, 'formatVersion');
  const root = migrateToCurrent(given);
  const architecture = oneOf(root, 'architecture', ARCHITECTURE_NAMES);
  const latent = parseLatent(child(root, 'latent'));
  const patch = parsePatch(child(root, 'patch'));
  // tessera-tiny's tokenizer is read first, as it always was, so its errors come in the same order.
  const wordTokenizer = architecture === 'tessera-tiny' ? parseTokenizer(child(root, 'tokenizer')) : null;
  const name = string(root, 'name', NAME, 'a name of 1-64 characters from [a-z0-9-]');
  const version = string(root, 'version', SEMVER, 'a semantic version such as "1.0.0"');
  const description = Object.hasOwn(root.value, 'description') ? string(root, 'description') : '';
  const license = Object.hasOwn(root.value, 'license') ? string(root, 'license', LICENSE, 'a licence name of 1-128 printable characters, such as "Apache-2.0"') : undefined;
  const dtype = oneOf(root, 'dtype', DTYPES);
  const files = parseFiles(root, baseUrl, architecture);
  const family = wordTokenizer
    ? { architecture: 'tessera-tiny' as const, tokenizer: wordTokenizer, text: { embedDim: integer(child(root, 'text'), 'embedDim', 1, 65536) } }
    : { architecture: 'wan2.1' as const, ...parseWan21Sections(root, files) };
  const manifest: Manifest = {
    format: 'tessera-model-pack',
    formatVersion: MANIFEST_FORMAT_VERSION,
    name,
    version,
    description,
    ...(license === undefined ? {} : { license }),
    dtype,
    files,
    ...family,
    latent,
    patch,
    video: parseVideo(child(root, 'video'), latent, patch),
    scheduler: parseScheduler(child(root, 'scheduler')),
    preview: parsePreview(child(root, 'preview'), latent.channels),
    requirements: parseRequirements(child(root, 'requirements')),
    runtime: Object.hasOwn(root.value, 'runtime') ? parseRuntime(child(root, 'runtime')) : { memoryPlan: 'resident' },
  };
  checkComputeBounds(manifest);
  return manifest;
}

/** The graph roles of a parsed pack (its architecture's), in the order the architecture declares them. */
export function graphRoles(manifest: Manifest): readonly ModelRole[] {
  return rolesOf(manifest.architecture);
}

/** The file entry of a graph. Every role of the pack's architecture is present in a parsed manifest. */
export function fileFor(manifest: Manifest, role: ModelRole): ManifestFile {
  const file = manifest.files.find((f) => f.role === role);
  if (!file) throw new ManifestError('missing-role', 'files', `no file with role "${role}"`);
  return file;
}

/** `files`: one file for each graph and data role the architecture declares, external data of its graphs, no path twice. */
function parseFiles(root: Node, baseUrl: string | undefined, architecture: ArchitectureName): ManifestFile[] {
  const graphs = rolesOf(architecture);
  const roles = [...graphs, ...dataRolesOf(architecture)];
  const files = array(root, 'files', roles.length, 64).map(({ value, path }) => parseFile(object(value, path), baseUrl, roles, graphs));
  const paths = new Set<string>();
  files.forEach((file, i) => {
    if (paths.has(file.path)) throw new ManifestError('duplicate', `files[${i}].path`, `"${file.path}" is listed twice`);
    paths.add(file.path);
  });
  for (const role of roles) {
    const count = files.filter((f) => f.role === role).length;
    if (count === 0) throw new ManifestError('missing-role', 'files', `no file with role "${role}"; every ${architecture} pack needs ${roles.join(', ')}`);
    if (count > 1) throw new ManifestError('duplicate', 'files', `${count} files with role "${role}", expected one`);
  }
  return files;
}

function parseFile(node: Node, baseUrl: string | undefined, roles: readonly ModelRole[], graphs: readonly ModelRole[]): ManifestFile {
  const role = oneOf(node, 'role', [...roles, 'externalData']);
  // Only graphs have external data: a data file is read whole or by range as it is.
  const of = role === 'externalData' ? oneOf(node, 'of', graphs) : undefined;
  const path = parsePath(node);
  const bytes = field(node, 'bytes');
  if (typeof bytes === 'number' && Number.isInteger(bytes) && bytes > MAX_FILE_BYTES) {
    throw new ManifestError('too-large', `${node.path}.bytes`, `got ${bytes}, the most a file may have is ${MAX_FILE_BYTES} (16 GiB)`);
  }
  integer(node, 'bytes', 1, MAX_FILE_BYTES);
  const sha256 = field(node, 'sha256');
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
    throw new ManifestError('bad-sha256', `${node.path}.sha256`, `got ${describeValue(sha256)}, expected 64 hex digits`);
  }
  const file: ManifestFile = { role, path, bytes: bytes as number, sha256: sha256.toLowerCase() };
  const chunks = Object.hasOwn(node.value, 'chunks') ? parseChunks(child(node, 'chunks'), file.bytes) : undefined;
  return {
    ...file,
    ...(of ? { of } : {}),
    ...(chunks ? { chunks } : {}),
    ...(baseUrl !== undefined ? { url: resolveUrl(path, baseUrl) } : {}),
  };
}

/** `chunks`: a chunk size that is a multiple of 64 bytes and one sha256 per chunk. */
function parseChunks(node: Node, fileBytes: number): ChunkHashes {
  const bytes = integer(node, 'bytes', MIN_CHUNK_BYTES, MAX_CHUNK_BYTES);
  if (bytes % 64 !== 0) throw new ManifestError('invalid-value', `${node.path}.bytes`, `got ${bytes}, expected a multiple of 64`);
  const count = Math.ceil(fileBytes / bytes);
  const sha256 = array(node, 'sha256', count, count).map(({ value, path }) => {
    if (typeof value !== 'string' || !SHA256.test(value)) {
      throw new ManifestError('bad-sha256', path, `got ${describeValue(value)}, expected 64 hex digits`);
    }
    return value.toLowerCase();
  });
  return { bytes, sha256 };
}

/** Resolves a pack path against the pack's folder; a relative base is taken against the page. */
function resolveUrl(path: string, baseUrl: string): string {
  const folder = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(path, page === undefined ? folder : new URL(folder, page)).href;
  } catch {
    throw new ManifestError('invalid-value', '(baseUrl)', `got ${describeValue(baseUrl)}, expected an absolute URL of the pack's folder`);
  }
}

/** A pack's files must stay inside the pack: no scheme, no absolute path, no "." or ".." segment. */
function parsePath(node: Node): string {
  const path = string(node, 'path');
  const where = `${node.path}.path`;
  if (path.length === 0 || path.length > 255 || !SAFE_PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
    throw new ManifestError(
      'unsafe-path',
      where,
      `got ${describeValue(path)}, expected a relative path inside the pack (segments of [A-Za-z0-9_.-], no "..", no "/" at the start, no scheme)`,
    );
  }
  return path;
}

function parseTokenizer(node: Node): TokenizerSpec {
  oneOf(node, 'type', ['word'] as const);
  const entries = array(node, 'vocab', 2, 1_000_000);
  const vocab = entries.map(({ value, path }) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
      throw new ManifestError('invalid-value', path, `got ${describeValue(value)}, expected a word of 1-64 characters`);
    }
    return value;
  });
  const seen = new Set<string>();
  vocab.forEach((word, i) => {
    if (seen.has(word)) throw new ManifestError('duplicate', `${node.path}.vocab[${i}]`, `"${word}" appears twice`);
    seen.add(word);
  });
  const padId = integer(node, 'padId', 0, vocab.length - 1);
  const unkId = integer(node, 'unkId', 0, vocab.length - 1);
  if (padId === unkId) throw new ManifestError('invalid-value', `${node.path}.unkId`, `got ${unkId}, the same id as padId`);
  return { type: 'word', vocab, maxLength: integer(node, 'maxLength', 1, 4096), padId, unkId, lowercase: boolean(node, 'lowercase') };
}

function parseLatent(node: Node): LatentSpec {
  const latent = {
    channels: integer(node, 'channels', 1, 1024),
    temporalCompression: integer(node, 'temporalCompression', 1, 64),
    spatialCompression: integer(node, 'spatialCompression', 1, 64),
  };
  // The format defines frame counts only for causal packs (F = 1 + temporalCompression * (T - 1)).
  if (field(node, 'causalFirstFrame') !== true) {
    throw new ManifestError('invalid-value', `${node.path}.causalFirstFrame`, `got ${describeValue(node.value.causalFirstFrame)}, formatVersion 2 requires true`);
  }
  return { ...latent, causalFirstFrame: true };
}

function parsePatch(node: Node): PatchSpec {
  return { t: integer(node, 't', 1, 64), h: integer(node, 'h', 1, 64), w: integer(node, 'w', 1, 64) };
}

function parseVideo(node: Node, latent: LatentSpec, patch: PatchSpec): VideoSpec {
  const fps = number(node, 'fps', 1, 240);
  const sizesNode = child(node, 'sizes');
  const aspects = Object.keys(sizesNode.value);
  if (aspects.length === 0 || aspects.length > 32) {
    throw new ManifestError('invalid-value', sizesNode.path, `has ${aspects.length} sizes, expected 1 to 32`);
  }
  const sizes: Record<string, VideoSize> = {};
  for (const aspect of aspects) {
    const where = `${sizesNode.path}.${aspect}`;
    if (!ASPECT.test(aspect)) throw new ManifestError('invalid-value', where, `${describeValue(aspect)} is not an aspect ratio such as "16:9"`);
    const size = child(sizesNode, aspect);
    const width = integer(size, 'width', 1, 8192);
    const height = integer(size, 'height', 1, 8192);
    const stepW = latent.spatialCompression * patch.w;
    const stepH = latent.spatialCompression * patch.h;
    if (width % stepW !== 0 || height % stepH !== 0) {
      throw new ManifestError(
        'invalid-size',
        where,
        `got ${width}x${height}, width must be a multiple of ${stepW} and height of ${stepH} (spatialCompression × patch)`,
      );
    }
    sizes[aspect] = { width, height };
  }
  const frameCounts = array(node, 'frameCounts', 1, 1024).map(({ value, path }) => {
    // Any whole count parses; computeBounds.ts then says how many frames a clip may have.
    const frames = integerValue(value, path, 1, Number.MAX_SAFE_INTEGER);
    const latentFrames = (frames - 1) / latent.temporalCompression + 1;
    if (!Number.isInteger(latentFrames) || latentFrames % patch.t !== 0) {
      throw new ManifestError(
        'invalid-frame-count',
        path,
        `got ${frames}, expected 1 + ${latent.temporalCompression}·k frames whose latent length is a multiple of patch.t = ${patch.t}`,
      );
    }
    return frames;
  });
  frameCounts.forEach((frames, i) => {
    if (i > 0 && frames <= frameCounts[i - 1]!) {
      throw new ManifestError('invalid-frame-count', `${node.path}.frameCounts[${i}]`, `got ${frames}, frame counts must be strictly ascending`);
    }
  });
  // Optional: a pack written before super-resolving decoders parses to the same object as before.
  const decoderUpscale = Object.hasOwn(node.value, 'decoderUpscale') ? integer(node, 'decoderUpscale', 1, MAX_DECODER_UPSCALE) : undefined;
  return { fps, sizes, frameCounts, ...(decoderUpscale === undefined ? {} : { decoderUpscale }) };
}

function parseScheduler(node: Node): SchedulerSpec {
  const spec = {
    type: oneOf(node, 'type', SCHEDULER_TYPE_NAMES),
    steps: integer(node, 'steps', 1, 1000),
    shift: number(node, 'shift', 1e-3, 1000),
    guidance: number(node, 'guidance', 0, 100),
  };
  // Optional: a pack without explicit times parses to the same object as before.
  if (!Object.hasOwn(node.value, 'times')) return spec;
  const entries = array(node, 'times', 1, 1000);
  if (entries.length !== spec.steps) {
    throw new ManifestError('invalid-value', `${node.path}.times`, `has ${entries.length} times, expected one per step (steps = ${spec.steps})`);
  }
  const times = entries.map(({ value, path }) => numberValue(value, path, 0, 1));
  times.forEach((t, i) => {
    const where = `${node.path}.times[${i}]`;
    if (t === 0) throw new ManifestError('invalid-value', where, 'got 0, times must be above 0 (sampling ends at 0 after the last)');
    if (i > 0 && t >= times[i - 1]!) throw new ManifestError('invalid-value', where, `got ${t} after ${times[i - 1]}, times must be strictly descending`);
  });
  return { ...spec, times };
}

function parsePreview(node: Node, channels: number): PreviewSpec {
  const rgb = (value: unknown, path: string): [number, number, number] => {
    if (!Array.isArray(value) || value.length !== 3) {
      throw new ManifestError('invalid-value', path, `got ${describeValue(value)}, expected [r, g, b]`);
    }
    return [0, 1, 2].map((i) => numberValue(value[i], `${path}[${i}]`, -1e6, 1e6)) as [number, number, number];
  };
  const weights = array(node, 'weights', channels, channels).map(({ value, path }) => rgb(value, path));
  return { weights, bias: rgb(field(node, 'bias'), `${node.path}.bias`) };
}

function parseRequirements(node: Node): Requirements {
  return {
    totalBytes: integer(node, 'totalBytes', 0, Number.MAX_SAFE_INTEGER),
    largestBufferBytes: integer(node, 'largestBufferBytes', 0, Number.MAX_SAFE_INTEGER),
    shaderF16: boolean(node, 'shaderF16'),
  };
}

/** `runtime`: optional; `memoryPlan` is its one field and must be named when the object is there. */
function parseRuntime(node: Node): RuntimeSpec {
  return { memoryPlan: oneOf(node, 'memoryPlan', MEMORY_PLANS) };
}
