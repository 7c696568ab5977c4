/**
 * The strict reader of storyboard documents: every value is checked against the format and its
 * bounds, unknown keys are refused, and the first problem is thrown as a StoryboardError whose path
 * names the JSON path (`cards[2].seconds`). It only walks the structure the format defines, so a
 * hostile document (deep nesting, huge strings, `__proto__` keys) costs no more than a valid one.
 */
import { describeValue } from '../models/describeValue';
import { StoryboardError } from './storyboardError';
import {
  KEYFRAME_PLACES,
  STORYBOARD_FORMAT,
  STORYBOARD_LIMITS as LIMITS,
  STORYBOARD_VERSION,
  type ClipCard,
  type ImageCard,
  type KeyframePlace,
  type StoryCard,
  type Storyboard,
  type TextCard,
} from './storyboardTypes';

type Json = Record<string, unknown>;

const BOARD_KEYS = ['format', 'version', 'aspect', 'seed', 'steps', 'guidance', 'negativePrompt', 'cards'];
const CARD_KEYS: Record<StoryCard['type'], readonly string[]> = {
  text: ['type', 'prompt', 'seconds', 'start'],
  image: ['type', 'file', 'at'],
  clip: ['type', 'file', 'start'],
};

/** Checks a parsed JSON value and returns the storyboard it describes. Throws StoryboardError('invalid-storyboard'). */
export function parseStoryboard(value: unknown): Storyboard {
  const board = object(value, '');
  onlyKeys(board, BOARD_KEYS, '');
  if (board.format !== undefined && board.format !== STORYBOARD_FORMAT) fail('format', `${describeValue(board.format)} is not ${JSON.stringify(STORYBOARD_FORMAT)}`);
  if (board.version !== undefined && board.version !== STORYBOARD_VERSION) {
    fail('version', `${describeValue(board.version)} is not a version this Tessera reads (${STORYBOARD_VERSION})`);
  }
  const aspect = aspectKey(board.aspect);
  const seed = integer(board.seed, 'seed', 0, 0xffffffff);
  const steps = board.steps === undefined ? undefined : integer(board.steps, 'steps', 1, LIMITS.maxSteps);
  const guidance = board.guidance === undefined ? undefined : number(board.guidance, 'guidance', 0, LIMITS.maxGuidance);
  const negativePrompt = board.negativePrompt === undefined ? undefined : text(board.negativePrompt, 'negativePrompt', 0, LIMITS.maxPromptChars);
  const cards = cardList(board.cards);
  return {
    format: STORYBOARD_FORMAT,
    version: STORYBOARD_VERSION,
    aspect,
    seed,
    ...(steps !== undefined ? { steps } : {}),
    ...(guidance !== undefined ? { guidance } : {}),
    ...(negativePrompt !== undefined ? { negativePrompt } : {}),
    cards,
  };
}

function cardList(value: unknown): StoryCard[] {
  if (!Array.isArray(value)) fail('cards', `${describeValue(value)} is not a list of cards`);
  if (value.length === 0) fail('cards', 'the board has no cards; give at least one text card');
  if (value.length > LIMITS.maxCards) fail('cards', `${value.length} cards is more than the ${LIMITS.maxCards} a board may hold`);
  const cards = value.map((card, i) => parseCard(card, `cards[${i}]`));
  if (!cards.some((card) => card.type === 'text')) fail('cards', 'the board has no text card; its prompt is what every generated stretch follows');
  const seconds = cards.reduce((sum, card) => sum + (card.type === 'text' ? card.seconds : 0), 0);
  if (seconds > LIMITS.maxSeconds) fail('cards', `the text cards last ${round(seconds)} s together, more than the ${LIMITS.maxSeconds} s a board may hold`);
  return cards;
}

function parseCard(value: unknown, path: string): StoryCard {
  const card = object(value, path);
  const type = card.type;
  if (type !== 'text' && type !== 'image' && type !== 'clip') fail(`${path}.type`, `${describeValue(type)} is not a card type; choose "text", "image" or "clip"`);
  onlyKeys(card, CARD_KEYS[type], path);
  switch (type) {
    case 'text': {
      const start = optionalSeconds(card.start, `${path}.start`, 0);
      const textCard: TextCard = {
        type,
        prompt: text(card.prompt, `${path}.prompt`, 1, LIMITS.maxPromptChars),
        seconds: number(card.seconds, `${path}.seconds`, 0, LIMITS.maxSeconds, true),
        ...(start !== undefined ? { start } : {}),
      };
      if (textCard.prompt.trim() === '') fail(`${path}.prompt`, 'is blank; say what happens in this stretch');
      return textCard;
    }
    case 'image': {
      const at = card.at === undefined ? undefined : typeof card.at === 'string' ? place(card.at, `${path}.at`) : number(card.at, `${path}.at`, 0, LIMITS.maxSeconds);
      const imageCard: ImageCard = { type, file: fileRef(card.file, `${path}.file`), ...(at !== undefined ? { at } : {}) };
      return imageCard;
    }
    case 'clip': {
      const start = optionalSeconds(card.start, `${path}.start`, 0);
      const clipCard: ClipCard = { type, file: fileRef(card.file, `${path}.file`), ...(start !== undefined ? { start } : {}) };
      return clipCard;
    }
  }
}

/**
 * A file reference: a relative path inside the board's folder, '/'-separated. Refused: absolute
 * paths, drive letters and URL schemes, `..` and empty segments, backslashes and control characters,
 * so a board from anywhere cannot make the CLI read outside its own folder.
 */
function fileRef(value: unknown, path: string): string {
  const file = text(value, path, 1, LIMITS.maxFileChars);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(file)) fail(path, `${describeValue(file)} holds a backslash or a control character; use '/' between folders`);
  if (file.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(file)) fail(path, `${describeValue(file)} is not a relative path; name the file relative to the board's folder`);
  if (file.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    fail(path, `${describeValue(file)} has an empty, "." or ".." part; name a file inside the board's folder`);
  }
  return file;
}

function aspectKey(value: unknown): string {
  const aspect = text(value, 'aspect', 1, LIMITS.maxAspectChars);
  if (!/^\d{1,6}:\d{1,6}$/.test(aspect)) fail('aspect', `${describeValue(aspect)} is not an aspect ratio such as "16:9"`);
  return aspect;
}

function place(value: string, path: string): KeyframePlace {
  if (!(KEYFRAME_PLACES as readonly string[]).includes(value)) fail(path, `${describeValue(value)} is not a time; give seconds or "first", "middle" or "last"`);
  return value as KeyframePlace;
}

function optionalSeconds(value: unknown, path: string, min: number): number | undefined {
  return value === undefined ? undefined : number(value, path, min, LIMITS.maxSeconds);
}

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, `${describeValue(value)} is not an object`);
  return value as Json;
}

/** Refuses keys the format does not define (a typo is an error, not a default). */
function onlyKeys(value: Json, allowed: readonly string[], path: string): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) fail(path ? `${path}.${safeKey(unknown)}` : safeKey(unknown), `is not a field of ${path ? 'this card' : 'a storyboard'}; allowed: ${allowed.join(', ')}`);
  for (const key of allowed) {
    if (value[key] === undefined && Object.hasOwn(value, key)) fail(path ? `${path}.${key}` : key, 'is undefined');
  }
}

function text(value: unknown, path: string, minChars: number, maxChars: number): string {
  if (typeof value !== 'string') fail(path, `${describeValue(value)} is not a string`);
  if (value.length < minChars) fail(path, 'is empty');
  if (value.length > maxChars) fail(path, `has ${value.length} characters, more than ${maxChars}`);
  return value;
}

/** A finite number in [min, max]; with `aboveMin`, min itself is refused. */
function number(value: unknown, path: string, min: number, max: number, aboveMin = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `${describeValue(value)} is not a number`);
  if (value < min || (aboveMin && value === min) || value > max) {
    fail(path, `${describeValue(value)} is out of range; give a number ${aboveMin ? 'above' : 'from'} ${min} ${aboveMin ? 'and at most' : 'to'} ${max}`);
  }
  return value === 0 ? 0 : value; // -0 reads as 0
}

function integer(value: unknown, path: string, min: number, max: number): number {
  const n = number(value, path, min, max);
  if (!Number.isInteger(n)) fail(path, `${describeValue(value)} is not a whole number from ${min} to ${max}`);
  return n;
}

/** A key for a path: plain keys as they are, others quoted and cut short. */
function safeKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(key) ? key : `[${describeValue(key)}]`;
}

const round = (x: number) => Math.round(x * 100) / 100;

function fail(path: string, message: string): never {
  throw new StoryboardError('invalid-storyboard', message, path);
}
