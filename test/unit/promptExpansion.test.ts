import { describe, expect, it } from 'vitest';
import { expandPrompt } from '../../src/architectures/tessera-tiny/promptExpansion';

const COLOURS = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'black'];
const SHAPES = ['circle', 'square', 'triangle'];
const MOTIONS = ['moving left', 'moving right', 'moving up', 'moving down', 'staying still'];

/** The three phrasings training/world.py writes for a scene; the first is canonical. */
function phrasings(body0: string, body1: string, bg: string, pan = false): [string, string, string] {
  const place = pan ? `under a ${bg} sky` : `on a ${bg} background`;
  const where = pan ? `a ${bg} sky` : `a ${bg} background`;
  return [`${body0} ${place}`, `${place}, ${body1}`, `${where} with ${body0}`];
}
const style1 = (motion: string) => (motion === 'staying still' ? motion : `that moves ${motion.split(' ')[1]}`);

function* trainedScenes(): Generator<[string, string, string]> {
  for (const [i, colour] of COLOURS.entries()) {
    const bg = COLOURS[(i + 3) % COLOURS.length]!;
    const other = COLOURS[(i + 5) % COLOURS.length]!;
    for (const shape of SHAPES) {
      for (const motion of MOTIONS) {
        yield phrasings(`a ${colour} ${shape} ${motion}`, `a ${colour} ${shape} ${style1(motion)}`, bg);
        const second = MOTIONS[(MOTIONS.indexOf(motion) + 2) % MOTIONS.length]!;
        yield phrasings(
          `a ${colour} ${shape} ${motion} and a ${other} square ${second}`,
          `a ${colour} ${shape} ${style1(motion)} and a ${other} square ${style1(second)}`,
          bg,
        );
        if (motion !== 'staying still') {
          yield phrasings(`a ${colour} ${shape} ${motion} leaving a trail`, `a ${colour} ${shape} ${style1(motion)} leaving a trail`, bg);
        }
        if (motion === 'moving left' || motion === 'moving right') {
          const tail = 'passes behind a gray pillar and comes out again';
          yield phrasings(`a ${colour} ${shape} ${motion} ${tail}`, `a ${colour} ${shape} ${style1(motion)} ${tail}`, bg);
        }
      }
    }
    for (const direction of ['left', 'right']) {
      const body = `the camera pans ${direction} over ${colour} hills and ${other} trees`;
      yield phrasings(body, body, bg, true);
    }
  }
}

describe('expandPrompt on trained captions', () => {
  it('leaves every canonical caption unchanged, with nothing unknown', () => {
    let count = 0;
    for (const [canonical] of trainedScenes()) {
      expect(expandPrompt(canonical)).toEqual({ caption: canonical, unknownWords: [], outsideAlphabet: [], changes: [] });
      count++;
    }
    expect(count).toBeGreaterThanOrEqual(400);
  });

  it('maps the other trained phrasings back to the canonical one', () => {
    for (const [canonical, second, third] of trainedScenes()) {
      expect(expandPrompt(second).caption).toBe(canonical);
      expect(expandPrompt(third).caption).toBe(canonical);
      expect(expandPrompt(second).unknownWords).toEqual([]);
    }
  });
});

describe('expandPrompt on free prompts', () => {
  it.each([
    ['blue ball goes left', 'a blue circle moving left on a black background'],
    ['A crimson box drifting left!', 'a red square moving left on a black background'],
    ['violet cube heading right over a grey backdrop', 'a purple square moving right on a gray background'],
    ['a golden pyramid rising on a navy background', 'a yellow triangle moving up on a blue background'],
    ['a white disc falling', 'a white circle moving down on a black background'],
    ['a black rectangle travels to the left', 'a black square moving left on a white background'],
    ['a red ball moving from left to right', 'a red circle moving right on a black background'],
    ['a red ball going from right to left', 'a red circle moving left on a black background'],
    ['a ball moving from top to bottom', 'a red circle moving down on a black background'],
    ['the background is blue and a red ball rises', 'a red circle moving up on a blue background'],
  ])('maps synonyms without changing meaning: %j', (prompt, caption) => {
    expect(expandPrompt(prompt).caption).toBe(caption);
  });

  it.each([
    ['a static red ball'],
    ['a stationary red ball'],
    ['a red ball that is not moving'],
    ["a red ball that doesn't move"],
    ['a red ball standing still'],
    ['a red ball stays in place'],
    ['a motionless red ball with no movement'],
  ])('reads %j as staying still', (prompt) => {
    expect(expandPrompt(prompt).caption).toBe('a red circle staying still on a black background');
  });

  it('never turns a direction into another one', () => {
    const synonyms: Record<string, string[]> = {
      left: ['goes left', 'moves left', 'travels left', 'heading left', 'drifting left', 'moving to the left', 'leftwards'],
      right: ['goes right', 'rolling right', 'heading rightward', 'moving towards the right'],
      up: ['goes up', 'rising', 'floats upward', 'climbs'],
      down: ['goes down', 'falling', 'sinks', 'drifting downwards'],
    };
    for (const [direction, phrases] of Object.entries(synonyms)) {
      for (const phrase of phrases) {
        const { caption } = expandPrompt(`a green square ${phrase} on a red background`);
        expect(caption, phrase).toBe(`a green square moving ${direction} on a red background`);
      }
    }
  });

  it('reports what it renamed and what it filled in', () => {
    const result = expandPrompt('crimson ball drifting left');
    expect(result.caption).toBe('a red circle moving left on a black background');
    expect(result.changes).toEqual([
      { kind: 'synonym', what: 'shape', from: 'ball', to: 'circle' },
      { kind: 'synonym', what: 'colour', from: 'crimson', to: 'red' },
      { kind: 'synonym', what: 'motion', from: 'drifting left', to: 'moving left' },
      { kind: 'default', what: 'background', from: '', to: 'black' },
    ]);
    expect(result.unknownWords).toEqual([]);
  });

  it('picks a default background that no object has', () => {
    expect(expandPrompt('a black ball and a white box').caption).toBe(
      'a black circle staying still and a white square staying still on a blue background',
    );
    expect(expandPrompt('a ball on a red background').caption).toBe('a green circle staying still on a red background');
  });

  it('reports words it cannot carry instead of guessing', () => {
    const result = expandPrompt('a beautiful pink ball moving left');
    expect(result.caption).toBe('a red circle moving left on a black background');
    expect(result.unknownWords).toEqual(['beautiful', 'pink']);
    expect(result.changes).toContainEqual({ kind: 'default', what: 'colour', from: '', to: 'red' });
  });

  it('refuses to guess a negated direction, an oscillation or a position', () => {
    expect(expandPrompt('a red ball not moving left').unknownWords).toEqual(['not moving left']);
    expect(expandPrompt('a red ball moving up and down').unknownWords).toEqual(['up and down']);
    expect(expandPrompt('a red ball moving back and forth').unknownWords).toEqual(['back and forth']);
    const positioned = expandPrompt('a red ball on the left moving up');
    expect(positioned.caption).toBe('a red circle moving up on a black background');
    expect(positioned.unknownWords).toEqual(['on the left']);
  });

  it('keeps two objects with their own colours and motions', () => {
    expect(expandPrompt('a crimson ball going left and a lime cube going up on white').caption).toBe(
      'a red circle moving left and a green square moving up on a white background',
    );
    expect(expandPrompt('a red ball and a blue box both moving down').caption).toBe(
      'a red circle moving down and a blue square moving down on a black background',
    );
  });

  it('writes occlusion with a pillar, defaulting to gray and to a horizontal motion', () => {
    expect(expandPrompt('a yellow ball goes behind a wall').caption).toBe(
      'a yellow circle moving right passes behind a gray pillar and comes out again on a black background',
    );
    expect(expandPrompt('a blue box moving left behind a pillar on an orange background').caption).toBe(
      'a blue square moving left passes behind a gray pillar and comes out again on a orange background',
    );
    const vertical = expandPrompt('a red ball falling behind a pillar');
    expect(vertical.caption).toBe('a red circle moving down on a black background');
    expect(vertical.unknownWords).toEqual(expect.arrayContaining(['behind', 'pillar']));
  });

  it('writes trails, and does not invent a motion for a still object with a trail', () => {
    expect(expandPrompt('a purple triangle sliding up, leaving a paint trail').caption).toBe(
      'a purple triangle moving up leaving a trail on a black background',
    );
    expect(expandPrompt('a still ball leaving a trail').unknownWords).toEqual(['trail']);
  });

  it('writes camera pans with sky, hills and trees in distinct colours', () => {
    expect(expandPrompt('camera panning left').caption).toBe('the camera pans left over green hills and black trees under a blue sky');
    expect(expandPrompt('pan right over yellow mountains and a forest under a black sky').caption).toBe(
      'the camera pans right over yellow hills and red trees under a black sky',
    );
    expect(expandPrompt('the camera pans over hills').changes).toContainEqual({ kind: 'default', what: 'camera', from: '', to: 'pans right' });
  });

  it('reports words with letters outside the alphabet, which the caption cannot carry', () => {
    const result = expandPrompt('a rouge café ball 猫 moving left');
    expect(result.outsideAlphabet).toEqual(['café', '猫']);
    expect(result.caption).toBe('a red circle moving left on a black background');
  });

  it('gives a caption for an empty prompt, every part marked as a default', () => {
    const result = expandPrompt('');
    expect(result.caption).toBe('a red circle staying still on a black background');
    expect(result.changes.every((c) => c.kind === 'default')).toBe(true);
  });
});

describe('expandPrompt on a table of short prompts (what the app shows before generating)', () => {
  it.each([
    // left stays left, right stays right, also in journeys with or without "from"
    ['red ball goes left', 'a red circle moving left on a black background', []],
    ['red ball goes right', 'a red circle moving right on a black background', []],
    ['yellow ball left', 'a yellow circle moving left on a black background', []],
    ['orange ball going left to right', 'a orange circle moving right on a black background', []],
    ['orange ball going right to left', 'a orange circle moving left on a black background', []],
    ['a red ball moving left and a blue box moving right', 'a red circle moving left and a blue square moving right on a black background', []],
    ['camera pans right over hills', 'the camera pans right over green hills and black trees under a blue sky', []],
    // negations: "not moving" is still; a negated direction or colour is reported, never guessed
    ['a white circle not moving', 'a white circle staying still on a black background', []],
    ['a purple cube that never moves', 'a purple square staying still on a black background', []],
    ['a ball that is not moving left', 'a red circle staying still on a black background', ['not moving left']],
    ['green triangle, not red, moves up', 'a green triangle moving up on a black background', ['not red']],
    // unknown words stay visible
    ['a blue square on the left moving right', 'a blue square moving right on a black background', ['on the left']],
    ['a shiny dragon flying left', 'a red circle moving left on a black background', ['shiny', 'dragon']],
    // every trained clip moves at one speed: a speed cannot be carried, so it is reported
    ['red ball goes left quickly', 'a red circle moving left on a black background', ['quickly']],
    ['a slow blue box moving very slowly down', 'a blue square moving down on a black background', ['slow', 'slowly']],
  ])('%s → %s, not understood: %j', (prompt, caption, unknown) => {
    const result = expandPrompt(prompt);
    expect(result.caption).toBe(caption);
    expect(result.unknownWords).toEqual(unknown);
  });
});

describe('expandPrompt under fuzzing', () => {
  const WORDS = (
    'a the ball box red crimson blue left right up down not moving still behind wall pillar trail camera pans ' +
    "sky hills trees background and both from to of on in at doesn't no pink big 3 , ! é"
  ).split(' ');
  const COLOUR = '(red|green|blue|yellow|orange|purple|white|black|gray)';
  const OBJECT = `a ${COLOUR} (circle|square|triangle) (moving (left|right|up|down)|staying still)`;
  const GRAMMAR = new RegExp(
    `^(${OBJECT}( and ${OBJECT}| passes behind a ${COLOUR} pillar and comes out again| leaving a trail)? on a ${COLOUR} background` +
      `|the camera pans (left|right) over ${COLOUR} hills and ${COLOUR} trees under a ${COLOUR} sky)$`,
  );

  it('always returns a caption in the trained grammar, for 5000 random word soups', () => {
    let state = 1;
    const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
    for (let n = 0; n < 5000; n++) {
      const prompt = Array.from({ length: Math.floor(next() * 12) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
      const result = expandPrompt(prompt);
      expect(result.caption, prompt).toMatch(GRAMMAR);
      expect(result.unknownWords.every((w) => w.length > 0)).toBe(true);
    }
  });
});
