/**
 * Reads a free prompt into a flat list of meaningful items (colours, objects, places, motions, scene
 * cues) with the words each came from. Phrases are matched before single words so that negations
 * ("not moving"), journeys ("from left to right") and positions ("on the left") keep their meaning;
 * anything it cannot express is returned as unknown rather than guessed.
 */
import { splitWords } from './wordTokenizer';
import {
  ARTICLES,
  BACKGROUND_PREPOSITIONS,
  CAMERA_WORDS,
  COLOUR_WORDS,
  DIRECTION_WORDS,
  ENDPOINT_WORDS,
  FILLER_WORDS,
  GENERIC_OBJECT_WORDS,
  MOTION_NOUNS,
  MOTION_VERBS,
  NEGATIONS,
  OBJECT_PRONOUNS,
  OCCLUSION_WORDS,
  PLACE_WORDS,
  POSITION_WORDS,
  SHAPE_WORDS,
  STAY_VERBS,
  STILL_WORDS,
  TRAIL_WORDS,
  type Motion,
  type Place,
  type Shape,
} from './promptLexicon';

/** One meaningful piece of a prompt; `source` is the prompt's own words for it. */
export type PromptItem =
  | { readonly kind: 'colour'; readonly value: string; readonly source: string }
  | { readonly kind: 'object'; readonly shape: Shape | null; readonly source: string }
  | { readonly kind: 'place'; readonly place: Place; readonly source: string }
  | { readonly kind: 'motion'; readonly value: Motion; readonly source: string }
  | { readonly kind: 'and' | 'both' | 'behind' | 'trail' | 'camera'; readonly source: string }
  /** A motion verb with no direction ("drifting"): the object moves, which way is not said. */
  | { readonly kind: 'moves'; readonly source: string }
  /** The end of a sentence or clause: a colour before it is not the colour of a noun after it. */
  | { readonly kind: 'break'; readonly source: '' };

export interface ParsedPrompt {
  readonly items: readonly PromptItem[];
  /** Words or phrases it could not map, in order. */
  readonly unknown: readonly string[];
}

/** Looks a noun up as given, then without a plural ending ("boxes", "balls"). */
function lookupNoun<T>(table: ReadonlyMap<string, T>, word: string): T | undefined {
  return table.get(word) ?? (word.endsWith('es') ? table.get(word.slice(0, -2)) : undefined) ?? (word.endsWith('s') ? table.get(word.slice(0, -1)) : undefined);
}

/** A word that names an object or a place ("ball", "boxes", "backdrop"). */
function isNoun(word: string): boolean {
  return lookupNoun(SHAPE_WORDS, word) !== undefined || GENERIC_OBJECT_WORDS.has(word) || lookupNoun(PLACE_WORDS, word) !== undefined;
}

/**
 * One motion said twice in a row is one motion ("falling down", "rising up", "climbing upwards"):
 * left as two, the second would be given to the next object.
 */
function mergeRepeatedMotions(items: readonly PromptItem[]): PromptItem[] {
  const merged: PromptItem[] = [];
  for (const item of items) {
    const last = merged.at(-1);
    if (item.kind === 'motion' && last?.kind === 'motion' && last.value === item.value) {
      merged[merged.length - 1] = { ...last, source: `${last.source} ${item.source}` };
    } else {
      merged.push(item);
    }
  }
  return merged;
}

interface PromptWords {
  readonly words: readonly string[];
  /** Indexes of words followed by the end of a sentence or clause (. : ; ! ?); commas do not count. */
  readonly clauseEndsAfter: ReadonlySet<number>;
  /** Indexes of words followed by a colon: a label ("object: a red ball"). */
  readonly colonAfter: ReadonlySet<number>;
}

/**
 * Splits a prompt into the tokenizer's words ("doesn't" becomes "does not" so the negation
 * survives), noting where sentences and clauses end: a colour does not reach across one to the noun
 * after it ("backdrop: orange. object: a blue ball").
 */
function promptWords(prompt: string): PromptWords {
  const text = prompt.toLowerCase().replace(/n['’]t\b/g, ' not');
  const words: string[] = [];
  const clauseEndsAfter = new Set<number>();
  const colonAfter = new Set<number>();
  for (const [segment] of text.matchAll(/[^.:;!?]+|[.:;!?]+/g)) {
    if (!/^[.:;!?]/.test(segment)) words.push(...splitWords(segment));
    else if (words.length > 0) {
      clauseEndsAfter.add(words.length - 1);
      if (segment.includes(':')) colonAfter.add(words.length - 1);
    }
  }
  return { words, clauseEndsAfter, colonAfter };
}

/** Parses a prompt; never throws. */
export function parsePrompt(prompt: string): ParsedPrompt {
  const { words, clauseEndsAfter, colonAfter } = promptWords(prompt);
  const items: PromptItem[] = [];
  const unknown: string[] = [];
  const at = (i: number) => words[i] ?? '';
  const phrase = (from: number, to: number) => words.slice(from, to + 1).join(' ');
  /** Index of the first word from `i` that is not "to"/"the"/"towards"/"toward". */
  const skipTo = (i: number) => {
    while (['to', 'the', 'towards', 'toward'].includes(at(i))) i++;
    return i;
  };

  let i = 0;
  while (i < words.length) {
    const word = at(i);
    if (clauseEndsAfter.has(i - 1) && items.at(-1)?.kind !== 'break') items.push({ kind: 'break', source: '' });
    if (GENERIC_OBJECT_WORDS.has(word) && colonAfter.has(i)) {
      i++; // "object: a red ball" names the object after the colon
      continue;
    }

    if (NEGATIONS.has(word)) {
      i = negation(i);
      continue;
    }
    if (['on', 'at', 'in'].includes(word) && at(i + 1) === 'the' && POSITION_WORDS.has(at(i + 2))) {
      unknown.push(phrase(i, i + 2));
      i += 3;
      continue;
    }
    const backdrop = backgroundAt(i);
    if (backdrop) {
      items.push(...backdrop.items);
      i = backdrop.end + 1;
      continue;
    }
    const journey = journeyAt(i);
    if (journey) {
      items.push({ kind: 'motion', value: journey.motion, source: phrase(i, journey.end) });
      i = journey.end + 1;
      continue;
    }
    if (DIRECTION_WORDS.has(word) && at(i + 1) === 'and' && DIRECTION_WORDS.has(at(i + 2))) {
      unknown.push(phrase(i, i + 2)); // back and forth has no trained caption
      i += 3;
      continue;
    }
    if ((word === 'back' && at(i + 1) === 'and' && at(i + 2) === 'forth') || (word === 'to' && at(i + 1) === 'and' && at(i + 2) === 'fro')) {
      unknown.push(phrase(i, i + 2));
      i += 3;
      continue;
    }
    if (MOTION_VERBS.has(word) || STAY_VERBS.has(word)) {
      const k = skipTo(i + 1);
      const trip = MOTION_VERBS.has(word) ? journeyAt(k) : undefined;
      if (trip) {
        items.push({ kind: 'motion', value: trip.motion, source: phrase(i, trip.end) }); // "going left to right" goes right
        i = trip.end + 1;
        continue;
      }
      const direction = MOTION_VERBS.has(word) ? DIRECTION_WORDS.get(at(k)) : undefined;
      if (direction && at(k + 1) === 'and' && DIRECTION_WORDS.has(at(k + 2))) {
        unknown.push(phrase(k, k + 2)); // "moving up and down": no trained caption for oscillation
        i = k + 3;
        continue;
      }
      if (direction) {
        items.push({ kind: 'motion', value: direction, source: phrase(i, k) });
        i = k + 1;
        continue;
      }
      const stillEnd = stillAt(i + 1);
      if (stillEnd !== undefined) {
        items.push({ kind: 'motion', value: 'still', source: phrase(i, stillEnd) });
        i = stillEnd + 1;
        continue;
      }
      // "a ball drifting": it moves, in no stated direction; a stay verb alone ("sits") says nothing.
      if (MOTION_VERBS.has(word)) items.push({ kind: 'moves', source: word });
      i++;
      continue;
    }
    const stillEnd = stillAt(i);
    if (stillEnd !== undefined) {
      items.push({ kind: 'motion', value: 'still', source: phrase(i, stillEnd) });
      i = stillEnd + 1;
      continue;
    }
    items.push(...wordItem(word));
    i++;
  }
  return { items: mergeRepeatedMotions(items), unknown };

  /**
   * A background named by a colour with no noun of its own: "on white", "over a navy", "against red",
   * "in front of green" (or "in front of a green wall"), "backdrop of white", "white behind it"; or
   * "behind it" after a background noun ("a blue backdrop behind it"), which is no occlusion. Returns
   * the colour and a background place for it (its source the words other than the colour: "on",
   * "behind it"), and the last word's index.
   */
  function backgroundAt(i: number): { items: PromptItem[]; end: number } | undefined {
    const word = at(i);
    const inFrontOf = word === 'in' && at(i + 1) === 'front' && at(i + 2) === 'of';
    const backdropOf = lookupNoun(PLACE_WORDS, word) === 'background' && at(i + 1) === 'of';
    if (BACKGROUND_PREPOSITIONS.has(word) || inFrontOf || backdropOf) {
      const prepositionEnd = inFrontOf ? i + 2 : backdropOf ? i + 1 : i;
      const j = ARTICLES.has(at(prepositionEnd + 1)) ? prepositionEnd + 2 : prepositionEnd + 1;
      const colour = COLOUR_WORDS.get(at(j));
      // What is in front of a coloured wall is before a background, not behind a pillar.
      const wall = inFrontOf && ['background', 'pillar'].includes(lookupNoun(PLACE_WORDS, at(j + 1)) ?? '');
      if (!colour || (isNoun(at(j + 1)) && !wall)) return undefined;
      const end = wall ? j + 1 : (behindItAt(j + 1) ?? j);
      const source = [phrase(i, prepositionEnd), wall ? at(j + 1) : ''].join(' ').trim();
      return { items: [{ kind: 'colour', value: colour, source: at(j) }, { kind: 'place', place: 'background', source }], end };
    }
    const colour = COLOUR_WORDS.get(word);
    const end = behindItAt(i + 1);
    if (colour && end !== undefined) {
      return { items: [{ kind: 'colour', value: colour, source: word }, { kind: 'place', place: 'background', source: phrase(i + 1, end) }], end };
    }
    if (lookupNoun(PLACE_WORDS, word) === 'background' && end !== undefined) return { items: wordItem(word), end };
    return undefined;
  }

  /** "behind it" / "behind them" starting at `i`: returns the pronoun's index. */
  function behindItAt(i: number): number | undefined {
    return OCCLUSION_WORDS.has(at(i)) && OBJECT_PRONOUNS.has(at(i + 1)) ? i + 1 : undefined;
  }

  /** "still", "in place", "at rest", "(stays) put" starting at `i`: returns the last word's index. */
  function stillAt(i: number): number | undefined {
    if (STILL_WORDS.has(at(i))) return i;
    if (at(i) === 'put' && STAY_VERBS.has(at(i - 1))) return i; // "staying put"
    if ((at(i) === 'in' && at(i + 1) === 'place') || (at(i) === 'at' && at(i + 1) === 'rest')) return i + 1;
    return undefined;
  }

  /** "[from] left to [the] right" (or top/bottom): a motion towards the second end. */
  function journeyAt(i: number): { motion: Exclude<Motion, 'still'>; end: number } | undefined {
    const start = at(i) === 'from' ? i + 1 : i;
    const from = ENDPOINT_WORDS.get(at(start));
    if (!from || at(start + 1) !== 'to') return undefined;
    const end = at(start + 2) === 'the' ? start + 3 : start + 2;
    const motion = ENDPOINT_WORDS.get(at(end));
    return motion && motion !== from ? { motion, end } : undefined;
  }

  /** A negation at `i`: "not moving" is staying still; "not moving left" cannot be said; "no trail" is the default. */
  function negation(i: number): number {
    let j = i + 1;
    while (['be', 'being', 'is', 'a', 'any'].includes(at(j))) j++;
    if (MOTION_VERBS.has(at(j)) || MOTION_NOUNS.has(at(j))) {
      const k = skipTo(j + 1);
      if (DIRECTION_WORDS.has(at(k)) || stillAt(k) !== undefined) {
        unknown.push(phrase(i, k));
        return k + 1;
      }
      items.push({ kind: 'motion', value: 'still', source: phrase(i, j) });
      return j + 1;
    }
    if (TRAIL_WORDS.has(at(j))) return j + 1;
    unknown.push(phrase(i, Math.min(j, words.length - 1)));
    return j + 1;
  }

  /** A single word's meaning, or the word as unknown. */
  function wordItem(word: string): PromptItem[] {
    const colour = COLOUR_WORDS.get(word);
    if (colour) return [{ kind: 'colour', value: colour, source: word }];
    const shape = lookupNoun(SHAPE_WORDS, word);
    if (shape) return [{ kind: 'object', shape, source: word }];
    if (GENERIC_OBJECT_WORDS.has(word)) return [{ kind: 'object', shape: null, source: word }];
    const place = lookupNoun(PLACE_WORDS, word);
    if (place) return [{ kind: 'place', place, source: word }];
    const direction = DIRECTION_WORDS.get(word);
    if (direction) return [{ kind: 'motion', value: direction, source: word }];
    if (word === 'and' || word === 'plus') return [{ kind: 'and', source: word }];
    if (word === 'both' || word === 'all') return [{ kind: 'both', source: word }];
    if (CAMERA_WORDS.has(word)) return [{ kind: 'camera', source: word }];
    if (OCCLUSION_WORDS.has(word)) return [{ kind: 'behind', source: word }];
    if (TRAIL_WORDS.has(word)) return [{ kind: 'trail', source: word }];
    if (!FILLER_WORDS.has(word)) unknown.push(word);
    return [];
  }
}
