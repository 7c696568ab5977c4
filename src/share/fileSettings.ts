/**
 * Reproducible from the file: Tessera's MP4 and PNG files carry their generation settings as a JSON
 * provenance record (MP4: the `comment` tag; PNG: an `iTXt` chunk), and opening or dropping one
 * restores those settings into the form.
 *
 * Two record shapes are read: the engine's flat record (`src/engine/provenance.ts`: prompt, seed,
 * steps, … at the top level) and the safety module's `ProvenanceRecord` (`src/safety/provenance.ts`:
 * settings nested under `settings`, the prompt only when the user let it be stored).
 */
import { readPngText } from '../media/png';
import { storyboardFromRecord } from '../storyboard/storyboardMetadata';
import type { Storyboard } from '../storyboard/storyboardTypes';
/**
 * `PNG_PROVENANCE_KEYWORD` of src/safety/provenance.ts (the unit tests read files written with it);
 * not imported, because that module's mediabunny import would pull the muxer into the page's chunk.
 */
const PNG_PROVENANCE_KEYWORD = 'tessera';
import { compact, type RestoredSettings } from './settingsLink';

/** What a file says about how it was made. */
export interface FileSettings {
  readonly settings: RestoredSettings;
  /** `name@version` of the model pack, when the file names it. */
  readonly modelPack: string | null;
  /** False when the file's owner chose not to store the prompt. */
  readonly hasPrompt: boolean;
  /** The whole storyboard of a storyboard's render (docs/storyboard.md); null for a single clip, or a board that breaks the format. */
  readonly storyboard: Storyboard | null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The settings carried by a Tessera MP4 or PNG; null for any other file (or one without the record). */
export async function readFileSettings(file: Blob): Promise<FileSettings | null> {
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  if (PNG_SIGNATURE.every((byte, i) => head[i] === byte)) {
    const text = readPngText(new Uint8Array(await file.arrayBuffer()));
    return fileSettingsFromJson(text[PNG_PROVENANCE_KEYWORD] ?? text.Comment);
  }
  if (String.fromCharCode(...head.subarray(4, 8)) === 'ftyp') return fileSettingsFromJson(await mp4Comment(file));
  return null;
}

/** The MP4's `comment` tag, read with mediabunny (loaded only when a video is opened). */
async function mp4Comment(file: Blob): Promise<string | null> {
  const { ALL_FORMATS, BlobSource, Input } = await import('mediabunny');
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const tags = await input.getMetadataTags();
    const raw = tags.raw?.['©cmt'];
    return tags.comment ?? (typeof raw === 'string' ? raw : null);
  } catch {
    return null;
  } finally {
    input.dispose();
  }
}

/** Parses a provenance record of either shape; null when it is not Tessera's. */
export function fileSettingsFromJson(json: string | null | undefined): FileSettings | null {
  if (!json) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  return fileSettingsFromRecord(value);
}

/** The form settings in a parsed provenance record; null when it is not Tessera's or has no seed. */
export function fileSettingsFromRecord(value: unknown): FileSettings | null {
  if (!isObject(value) || value.generator !== 'Tessera') return null;
  const nested = isObject(value.settings) ? value.settings : {};
  const field = (name: string): unknown => (name in value ? value[name] : nested[name]);
  const seed = field('seed');
  if (!isUint32(seed)) return null;
  const prompt = stringOr(field('prompt'));
  const frames = field('frames');
  const steps = field('steps');
  const guidance = field('guidance');
  const expand = field('expandPrompt') ?? field('expand');
  const pack = isObject(value.modelPack) ? `${String(value.modelPack.name)}@${String(value.modelPack.version)}` : stringOr(value.model) ?? null;
  return {
    settings: compact({
      prompt,
      negativePrompt: stringOr(field('negativePrompt')),
      seed,
      aspect: stringOr(field('aspect')),
      frames: isPositiveInteger(frames) ? frames : undefined,
      steps: isPositiveInteger(steps) ? steps : undefined,
      guidance: typeof guidance === 'number' && Number.isFinite(guidance) ? guidance : undefined,
      expandPrompt: typeof expand === 'boolean' ? expand : undefined,
    }),
    modelPack: pack,
    hasPrompt: prompt !== undefined,
    storyboard: readStoryboard(value),
  };
}

/** The record's board; one that breaks the format is left out (the file's settings still restore). */
function readStoryboard(record: Record<string, unknown>): Storyboard | null {
  try {
    return storyboardFromRecord(record);
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}
