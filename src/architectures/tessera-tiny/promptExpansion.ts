/**
 * Prompt expansion: a short or free prompt becomes the canonical caption the model was trained on
 * (docs/model-pack.md, "Caption style"), e.g. "blue ball goes left" →
 * "a blue circle moving left on a black background". It only renames and fills in what the prompt
 * leaves open; it never changes what the prompt says. Every rename and default is reported in
 * `changes`, every word it could not carry into the caption in `unknownWords`, and every word with
 * letters the model cannot read at all in `outsideAlphabet`.
 */
import { COLOURS, PILLAR_COLOUR, type Motion, type Place, type Shape } from './promptLexicon';
import type { ExpansionChange as PortExpansionChange, PromptExpansion as PortPromptExpansion } from '../../pipeline/architecture';
import { parsePrompt, type PromptItem } from './promptParser';
import { wordsOutsideAlphabet } from './promptReadability';

/** What expansion did to one part of the prompt, named in tessera-tiny's caption terms. */
export interface ExpansionChange extends PortExpansionChange {
  readonly what: 'colour' | 'shape' | 'motion' | 'camera' | Place;
}

/** The port's expansion, its changes in tessera-tiny's terms. */
export interface PromptExpansion extends PortPromptExpansion {
  readonly changes: readonly ExpansionChange[];
}

/** Most objects a trained caption holds. */
const MAX_OBJECTS = 2;
/** Tried in order when the prompt names no background: the first colour no object has. */
const BACKGROUND_DEFAULTS = ['black', 'white', 'blue', 'green', 'yellow', 'purple', 'orange', 'red'];
const PAN_DEFAULTS = { sky: ['blue', ...COLOURS], hills: ['green', ...COLOURS], trees: ['black', ...COLOURS] };
const MOTION_PHRASES: Record<Motion, string> = {
  left: 'moving left',
  right: 'moving right',
  up: 'moving up',
  down: 'moving down',
  still: 'staying still',
};

interface Said<T extends string = string> {
  readonly value: T;
  readonly source: string;
}

/** A thing in the scene: an object, or a place such as the background (colour only). */
interface Entity {
  role: 'object' | Place;
  readonly shape: Shape | null;
  /** The prompt's noun ('' when implied, e.g. by "red moving left"). */
  readonly source: string;
  colour?: Said;
  motion?: Said<Motion>;
  /** The prompt's verb when it moves in no stated direction ("drifting"). */
  moves?: string;
}

/** Expands a prompt into the canonical caption; never throws. */
export function expandPrompt(prompt: string): PromptExpansion {
  const { items, unknown: parsedUnknown } = parsePrompt(prompt);
  const unknown = [...parsedUnknown];
  const changes: ExpansionChange[] = [];
  const entities = assemble(items, unknown);
  const has = (kind: PromptItem['kind']) => items.some((it) => it.kind === kind);
  const caption = has('camera')
    ? panCaption(entities, items, unknown, changes)
    : objectCaption(entities, { occlusion: has('behind') || entities.some((e) => e.role === 'pillar'), trail: has('trail') }, items, unknown, changes);
  return { caption, unknownWords: [...new Set(unknown.filter((w) => w.length > 0))], outsideAlphabet: wordsOutsideAlphabet(prompt), changes };
}

/** Builds entities from nouns, turns occluders into the pillar, and attaches colours and motions. */
function assemble(items: readonly PromptItem[], unknown: string[]): Entity[] {
  const entities: Entity[] = [];
  const at: (Entity | undefined)[] = items.map((item) => {
    if (item.kind !== 'object' && item.kind !== 'place') return undefined;
    const entity: Entity = item.kind === 'object' ? { role: 'object', shape: item.shape, source: item.source } : { role: item.place, shape: null, source: item.source };
    entities.push(entity);
    return entity;
  });

  // What something passes behind is the occluder; the trained scene has a pillar there.
  items.forEach((item, i) => {
    if (item.kind !== 'behind') return;
    const occluder = at.find((e, k) => k > i && e !== undefined);
    if (occluder && !entities.some((e) => e.role === 'pillar')) occluder.role = 'pillar';
  });

  const isPan = items.some((it) => it.kind === 'camera');
  items.forEach((item, i) => {
    if (item.kind === 'colour') attachColour(item, i);
    if (item.kind === 'motion' && !isPan) attachMotion(item, i);
    if (item.kind === 'moves' && !isPan) attachMoves(item, i);
  });
  return entities;

  function attachColour(item: Said, i: number): void {
    // "a red ball": the noun right after it.
    const right = at[i + 1];
    if (right && !right.colour) return void (right.colour = item);
    // "the ball is red", "background is blue": the nearest noun before, with no colour or "and" between.
    for (let k = i - 1; k >= 0; k--) {
      const kind = items[k]!.kind;
      if (kind === 'colour' || kind === 'and') break;
      const before = at[k];
      if (before && !before.colour) return void (before.colour = item);
      if (before) break;
    }
    if (entities.length === 0 && !isPan) {
      // "red moving left": an object of that colour, shape left open.
      const implied: Entity = { role: 'object', shape: null, source: '', colour: item };
      entities.push(implied);
      at[i] = implied;
      return;
    }
    unknown.push(item.source);
  }

  /** "a ball drifting": the object before the verb (or else after it) moves; the direction stays open. */
  function attachMoves(item: { source: string }, i: number): void {
    const target = at.slice(0, i).findLast((e) => e?.role === 'object') ?? at.slice(i + 1).find((e) => e?.role === 'object');
    if (target) {
      target.moves ??= item.source;
      return;
    }
    const implied: Entity = { role: 'object', shape: null, source: '', moves: item.source };
    entities.push(implied);
    at[i] = implied;
  }

  function attachMotion(item: Said<Motion>, i: number): void {
    const objects = (from: number, to: number) => at.slice(from, to).filter((e): e is Entity => e?.role === 'object');
    const lastObject = at.findLastIndex((e, k) => k < i && e?.role === 'object');
    if (lastObject >= 0 && items.slice(lastObject, i).some((it) => it.kind === 'both')) {
      // "a ball and a box both moving left": every object named so far.
      for (const object of objects(0, i)) {
        if (!object.motion) object.motion = item;
        else if (object.motion.value !== item.value) unknown.push(item.source);
      }
      return;
    }
    const before = objects(0, i).at(-1);
    const after = objects(i + 1, at.length).find((e) => !e.motion);
    const target = before && !before.motion ? before : (after ?? before);
    if (!target) {
      // "moving left" alone: an object doing it, shape and colour left open.
      const implied: Entity = { role: 'object', shape: null, source: '', motion: item };
      entities.push(implied);
      at[i] = implied;
    } else if (!target.motion) {
      target.motion = item;
    } else if (target.motion.value !== item.value) {
      unknown.push(item.source); // one object cannot be captioned with two motions
    }
  }
}

/** First colour of `preferred` that is not in `taken`. */
function firstFree(preferred: readonly string[], taken: readonly (string | undefined)[]): string {
  return preferred.find((c) => !taken.includes(c)) ?? preferred[0]!;
}

/** Records the colour of an entity (renamed or defaulted) and returns it. */
function colourFor(entity: Entity | undefined, what: ExpansionChange['what'], fallback: () => string, changes: ExpansionChange[]): string {
  if (entity?.colour) {
    if (entity.colour.source !== entity.colour.value) changes.push({ kind: 'synonym', what: 'colour', from: entity.colour.source, to: entity.colour.value });
    return entity.colour.value;
  }
  const value = fallback();
  changes.push({ kind: 'default', what, from: '', to: value });
  return value;
}

/** Records a renamed noun (e.g. "backdrop" → "background"). */
function noteNoun(entity: Entity | undefined, canonical: string, what: ExpansionChange['what'], changes: ExpansionChange[]): void {
  if (entity && entity.source !== canonical) changes.push({ kind: 'synonym', what, from: entity.source, to: canonical });
}

/** Reports everything an entity's words said as not carried by the caption. */
function drop(entity: Entity, unknown: string[]): void {
  unknown.push(entity.colour?.source ?? '', entity.source, entity.motion?.source ?? entity.moves ?? '');
}

function objectCaption(
  entities: Entity[],
  cues: { occlusion: boolean; trail: boolean },
  items: readonly PromptItem[],
  unknown: string[],
  changes: ExpansionChange[],
): string {
  const objects = entities.filter((e) => e.role === 'object');
  objects.slice(MAX_OBJECTS).forEach((e) => drop(e, unknown));
  const kept = objects.length > 0 ? objects.slice(0, MAX_OBJECTS) : [{ role: 'object', shape: null, source: '' } satisfies Entity];
  const place = (role: Place) => entities.find((e) => e.role === role);
  const single = kept.length === 1 ? kept[0]! : undefined;
  const horizontal = (m?: Said<Motion>) => !m || m.value === 'left' || m.value === 'right';
  const occlusion = cues.occlusion && single !== undefined && horizontal(single.motion);
  const trail = !occlusion && cues.trail && single !== undefined && single.motion?.value !== 'still';
  if (cues.occlusion && !occlusion) {
    unknown.push(...items.filter((it) => it.kind === 'behind').map((it) => it.source));
    const pillar = place('pillar');
    if (pillar) drop(pillar, unknown);
  }
  if (cues.trail && !trail) unknown.push(...items.filter((it) => it.kind === 'trail').map((it) => it.source));

  // The background: named as such, or a sky in an object scene; the first one given a colour. Another
  // background of another colour ("on white against blue") cannot be carried; one with no colour or the
  // same one ("a scene on a white background") is the same background.
  const candidates = [...entities.filter((e) => e.role === 'background'), ...entities.filter((e) => e.role === 'sky')];
  const background = candidates.find((e) => e.colour) ?? candidates[0];
  for (const e of entities) {
    const sameBackground = e.role === 'background' && (!e.colour || e.colour.value === background?.colour?.value);
    if ((e.role === 'hills' || e.role === 'trees' || e.role === 'sky' || e.role === 'background') && e !== background && !sameBackground) drop(e, unknown);
  }
  const pillar = occlusion ? place('pillar') : undefined;
  const explicitColours = [background?.colour?.value, ...kept.map((o) => o.colour?.value)];
  const phrases = kept.map((object) => {
    const shape = object.shape ?? 'circle';
    if (object.shape === null) changes.push({ kind: 'default', what: 'shape', from: object.source, to: shape });
    else noteNoun(object, shape, 'shape', changes);
    const colour = colourFor(object, 'colour', () => firstFree(COLOURS, explicitColours), changes);
    explicitColours.push(colour);
    // Something said to move (a verb with no direction, a trail, an occlusion) is given a direction, not stillness.
    const motion = object.motion?.value ?? (occlusion || trail || object.moves ? 'right' : 'still');
    if (!object.motion) changes.push({ kind: 'default', what: 'motion', from: object.moves ?? '', to: MOTION_PHRASES[motion] });
    else if (object.motion.source !== MOTION_PHRASES[motion]) changes.push({ kind: 'synonym', what: 'motion', from: object.motion.source, to: MOTION_PHRASES[motion] });
    return `a ${colour} ${shape} ${MOTION_PHRASES[motion]}`;
  });

  let body = phrases.join(' and ');
  if (occlusion) {
    noteNoun(pillar, 'pillar', 'pillar', changes);
    const pillarColour = colourFor(pillar, 'pillar', () => PILLAR_COLOUR, changes);
    body += ` passes behind a ${pillarColour} pillar and comes out again`;
  }
  if (trail) body += ' leaving a trail';
  noteNoun(background, 'background', 'background', changes);
  const taken = kept.map((o) => o.colour?.value).concat(explicitColours);
  const backgroundColour = colourFor(background, 'background', () => firstFree(BACKGROUND_DEFAULTS, taken), changes);
  return `${body} on a ${backgroundColour} background`;
}

function panCaption(entities: Entity[], items: readonly PromptItem[], unknown: string[], changes: ExpansionChange[]): string {
  // Objects, pillars, occlusion and trails have no trained caption in a camera pan.
  entities.filter((e) => e.role === 'object' || e.role === 'pillar').forEach((e) => drop(e, unknown));
  unknown.push(...items.filter((it) => it.kind === 'behind' || it.kind === 'trail').map((it) => it.source));

  const motions = items.filter((it): it is PromptItem & { kind: 'motion' } => it.kind === 'motion');
  const pan = motions.find((m) => m.value === 'left' || m.value === 'right');
  motions.filter((m) => m !== pan && m.value !== pan?.value).forEach((m) => unknown.push(m.source));
  const direction = pan?.value ?? 'right';
  if (!pan) changes.push({ kind: 'default', what: 'camera', from: '', to: `pans ${direction}` });
  else if (pan.source !== direction && pan.source !== `pans ${direction}`) changes.push({ kind: 'synonym', what: 'camera', from: pan.source, to: `pans ${direction}` });

  const place = (role: Place) => entities.find((e) => e.role === role);
  const sky = place('sky') ?? place('background');
  noteNoun(sky, 'sky', 'sky', changes);
  const hills = place('hills');
  const trees = place('trees');
  noteNoun(hills, 'hills', 'hills', changes);
  noteNoun(trees, 'trees', 'trees', changes);
  const taken = [sky?.colour?.value, hills?.colour?.value, trees?.colour?.value];
  const skyColour = colourFor(sky, 'sky', () => firstFree(PAN_DEFAULTS.sky, taken), changes);
  const hillsColour = colourFor(hills, 'hills', () => firstFree(PAN_DEFAULTS.hills, [skyColour, ...taken]), changes);
  const treesColour = colourFor(trees, 'trees', () => firstFree(PAN_DEFAULTS.trees, [skyColour, hillsColour, ...taken]), changes);
  return `the camera pans ${direction} over ${hillsColour} hills and ${treesColour} trees under a ${skyColour} sky`;
}
