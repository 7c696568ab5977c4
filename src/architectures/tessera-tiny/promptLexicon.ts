/**
 * The words prompt expansion understands, mapped to the caption vocabulary the model was trained on
 * (docs/model-pack.md, "Caption style"; training/world.py). Synonyms map only to what they mean: a
 * colour to its nearest trained colour, never a direction to another direction.
 */

/** Object and background colours of the training world, in the order defaults are tried. */
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'black'] as const;
/** The colour every trained pillar has. */
export const PILLAR_COLOUR = 'gray';
export type Shape = 'circle' | 'square' | 'triangle';
export type Motion = 'left' | 'right' | 'up' | 'down' | 'still';
export type Place = 'background' | 'sky' | 'pillar' | 'hills' | 'trees';

function table<T extends string>(groups: Record<T, string>): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const [value, words] of Object.entries(groups) as [T, string][]) {
    for (const word of words.split(' ')) map.set(word, value);
  }
  return map;
}

export const COLOUR_WORDS = table({
  red: 'red crimson scarlet ruby cherry vermilion',
  green: 'green emerald lime jade',
  blue: 'blue navy azure cobalt sapphire',
  yellow: 'yellow gold golden lemon',
  orange: 'orange amber tangerine',
  purple: 'purple violet lavender lilac indigo',
  white: 'white ivory snowy',
  black: 'black ebony',
  gray: 'gray grey silver',
});

export const SHAPE_WORDS = table<Shape>({
  circle: 'circle ball disc disk dot sphere orb bubble',
  square: 'square box cube rectangle block tile crate',
  triangle: 'triangle pyramid wedge',
});

/** Nouns for an object whose shape is not given. */
export const GENERIC_OBJECT_WORDS = new Set(['object', 'thing', 'something', 'shape', 'item', 'blob']);

export const PLACE_WORDS = table<Place>({
  background: 'background backdrop bg scene',
  sky: 'sky',
  pillar: 'pillar wall column post pole occluder barrier',
  hills: 'hills hill mountains mountain',
  trees: 'trees tree forest woods',
});

/** Words that name a direction (or a motion with one, like "rising"). */
export const DIRECTION_WORDS = table<Exclude<Motion, 'still'>>({
  left: 'left leftward leftwards westward westwards',
  right: 'right rightward rightwards eastward eastwards',
  up: 'up upward upwards rising rises rise ascending ascends ascend climbing climbs',
  down: 'down downward downwards falling falls fall dropping drops sinking sinks descending descends',
});

/** Ends of a "from A to B" phrase, mapped to the motion towards them. */
export const ENDPOINT_WORDS = table<Exclude<Motion, 'still'>>({
  left: 'left',
  right: 'right',
  up: 'top up',
  down: 'bottom down',
});

export const STILL_WORDS = new Set(['still', 'static', 'stationary', 'motionless', 'unmoving', 'idle', 'resting', 'frozen', 'immobile', 'stopped']);

/** Verbs of motion that carry no direction of their own. */
export const MOTION_VERBS = new Set(
  'moving moves move goes going go travels travelling traveling travel heading heads drifting drifts drift sliding slides slide rolling rolls roll flying flies fly floating floats float gliding glides glide running runs run passing crossing crosses slipping slips slip'.split(' '),
);
/** Verbs that, followed by "still", mean staying still. */
export const STAY_VERBS = new Set('staying stays stay standing stands stand sitting sits sit remaining remains remain keeps keeping'.split(' '));
/** Nouns that, after a negation ("no motion"), mean staying still. */
export const MOTION_NOUNS = new Set(['motion', 'movement']);

export const NEGATIONS = new Set(['not', 'never', 'no', 'without']);
export const CAMERA_WORDS = new Set(['camera', 'pan', 'pans', 'panning', 'panorama']);
export const OCCLUSION_WORDS = new Set(['behind']);
/**
 * Prepositions that put a colour with no noun after it in the background: "on white", "over a navy",
 * "against red". Followed by a noun ("on a red box") they keep their plain meaning.
 */
export const BACKGROUND_PREPOSITIONS = new Set(['on', 'over', 'against']);
/** What "behind it" refers to: the object, so "white behind it" is a white background, not occlusion. */
export const OBJECT_PRONOUNS = new Set(['it', 'them']);
export const ARTICLES = new Set(['a', 'an', 'the']);
export const TRAIL_WORDS = new Set(['trail', 'trails', 'trace', 'streak', 'track', 'paint', 'painting']);
/** Words that position an object rather than move it ("on the left"). */
export const POSITION_WORDS = new Set(['left', 'right', 'top', 'bottom', 'middle', 'center', 'centre', 'side', 'corner']);

/**
 * Words that carry no meaning for the scene (grammar, and the rest of the trained phrases). Speed
 * words ("fast", "slowly") are not here: every trained clip moves at one speed, so a caption cannot
 * carry them, and they are reported as not understood rather than dropped silently.
 */
export const FILLER_WORDS = new Set(
  (
    'a an the is are be being was it its that which who with on in at of over under against to toward towards from ' +
    'across through into onto along while as there one some very by then ' +
    'screen frame video clip image picture showing shows show see we view does do did ' +
    'passes pass comes come out again emerges reappears hides hidden hiding disappears ' +
    'leaving leaves leave drawing draws ' +
    // asking for a clip ("i want", "make an animation where"), and words that only stress what is said
    'i me want make create generate render please animation where plain coloured colored completely just'
  ).split(' '),
);
