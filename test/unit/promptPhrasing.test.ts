import { describe, expect, it } from 'vitest';
import { expandPrompt } from '../../src/architectures/tessera-tiny/promptExpansion';

const caption = (prompt: string) => expandPrompt(prompt).caption;

describe('expandPrompt reads how people name a background', () => {
  it.each([
    ['a red ball moving left on white', 'on'],
    ['a red ball moving left on a white', 'on'],
    ['a red ball moving left over white', 'over'],
    ['a red ball moving left against an ivory', 'against'],
    ['a red ball moving left, white behind it', 'white behind it'],
    ['a red ball moving left with white behind it', 'with white behind it'],
    ['a red ball moving left, white backdrop', 'X backdrop'],
    ['a red ball moving left on a backdrop of white', 'backdrop of X'],
    ['white scene: a red ball moving left', 'X scene'],
    ['a red ball moving left in a white scene', 'a X scene'],
    ['the scene is white and a red ball moves left', 'the scene is X'],
    ['on white, a red ball moving left', 'background first'],
    ['a red ball moving left with a white backdrop behind it', 'backdrop behind it'],
    ['a red ball moving left in front of white', 'in front of X'],
    ['a red ball moving left in front of a white wall', 'in front of a X wall'],
    ['with a backdrop of white, the ball (red) moves left', 'backdrop of X, then a colour in parentheses'],
  ])('%j (%s) is a white background', (prompt) => {
    const result = expandPrompt(prompt);
    expect(result.caption).toBe('a red circle moving left on a white background');
    expect(result.unknownWords).toEqual([]);
  });

  it('never changes the object or the background into another, for every colour pair and form', () => {
    const COLOURS = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'black'];
    const FORMS = [
      (o: string, bg: string) => `${o} on ${bg}`,
      (o: string, bg: string) => `${o} over a ${bg}`,
      (o: string, bg: string) => `${o} against ${bg}`,
      (o: string, bg: string) => `${o} in front of ${bg}`,
      (o: string, bg: string) => `${o}, ${bg} behind it`,
      (o: string, bg: string) => `${o}, ${bg} backdrop`,
      (o: string, bg: string) => `${o} on a backdrop of ${bg}`,
      (o: string, bg: string) => `${bg} scene: ${o}`,
      (o: string, bg: string) => `backdrop: ${bg}. ${o}`,
    ];
    let count = 0;
    for (const colour of COLOURS) {
      for (const bg of COLOURS.filter((c) => c !== colour)) {
        for (const form of FORMS) {
          const prompt = form(`a ${colour} wedge sinking`, bg);
          expect(caption(prompt), prompt).toBe(`a ${colour} triangle moving down on a ${bg} background`);
          count++;
        }
      }
    }
    expect(count).toBe(8 * 7 * FORMS.length);
  });

  it('keeps "on" with a noun after the colour as it was: a colour of that noun', () => {
    expect(caption('a box on a red ball')).toBe('a green square staying still and a red circle staying still on a black background');
    expect(caption('a ball on a red background')).toBe('a green circle staying still on a red background');
  });

  it('never gives the colour of "backdrop of X" to the object named next', () => {
    const result = expandPrompt('with a backdrop of black, the triangle moves up');
    expect(result.caption).toBe('a red triangle moving up on a black background');
    expect(result.changes).toContainEqual({ kind: 'default', what: 'colour', from: '', to: 'red' });
  });

  it('leaves "in front of" an object to be listed, without inventing a background', () => {
    const result = expandPrompt('a red ball in front of a blue box');
    expect(result.caption).toBe('a red circle staying still and a blue square staying still on a black background');
    expect(result.unknownWords).toEqual(['front']);
  });

  it('does not take "X behind it" for occlusion, but still takes "behind a wall"', () => {
    expect(caption('a red ball moving left, blue behind it')).toBe('a red circle moving left on a blue background');
    expect(caption('a red ball moving left behind a wall on blue')).toBe(
      'a red circle moving left passes behind a gray pillar and comes out again on a blue background',
    );
  });

  it('reports a second background of another colour instead of choosing silently', () => {
    const result = expandPrompt('a red ball on white against blue');
    expect(result.caption).toBe('a red circle staying still on a white background');
    expect(result.unknownWords).toEqual(['blue', 'against']);
  });

  it('lists a colour it cannot map with the background words, and falls back to a default', () => {
    const result = expandPrompt('a red ball on pink');
    expect(result.caption).toBe('a red circle staying still on a black background');
    expect(result.unknownWords).toEqual(['pink']);
  });
});

describe('expandPrompt reads shape and colour synonyms', () => {
  it.each([
    ['ball', 'circle'],
    ['disc', 'circle'],
    ['orb', 'circle'],
    ['box', 'square'],
    ['block', 'square'],
    ['cube', 'square'],
    ['tile', 'square'],
    ['pyramid', 'triangle'],
    ['wedge', 'triangle'],
  ])('a %s is a %s', (word, shape) => {
    expect(caption(`a blue ${word} moving up on yellow`)).toBe(`a blue ${shape} moving up on a yellow background`);
  });

  it.each([
    ['crimson', 'red'],
    ['lime', 'green'],
    ['navy', 'blue'],
    ['golden', 'yellow'],
    ['amber', 'orange'],
    ['lavender', 'purple'],
    ['ivory', 'white'],
    ['ebony', 'black'],
  ])('%s is %s, for an object and for a background', (word, colour) => {
    const background = colour === 'black' ? 'white' : 'black';
    expect(caption(`a ${word} box on ${background}`)).toBe(`a ${colour} square staying still on a ${background} background`);
    const object = colour === 'red' ? 'blue' : 'red';
    expect(caption(`a ${object} box against ${word}`)).toBe(`a ${object} square staying still on a ${colour} background`);
  });
});

describe('expandPrompt reads motions', () => {
  it.each([
    ['rising', 'moving up'],
    ['ascending', 'moving up'],
    ['sinking', 'moving down'],
    ['dropping', 'moving down'],
    ['drifting left', 'moving left'],
    ['sliding to the left', 'moving left'],
    ['travelling rightwards', 'moving right'],
    ['motionless', 'staying still'],
    ['still', 'staying still'],
    ['at rest', 'staying still'],
    ['staying put', 'staying still'],
    ['not moving', 'staying still'],
  ])('%j is %j', (words, motion) => {
    const result = expandPrompt(`a green box ${words} over orange`);
    expect(result.caption).toBe(`a green square ${motion} on a orange background`);
    expect(result.unknownWords).toEqual([]);
  });

  it('reads a direction said twice ("falling down") as one, so the next object keeps its own', () => {
    const result = expandPrompt('a black wedge falling down plus a purple pyramid flying to the right, on red');
    expect(result.caption).toBe('a black triangle moving down and a purple triangle moving right on a red background');
    expect(result.unknownWords).toEqual([]);
    expect(caption('a ball rising upward and a box')).toBe('a red circle moving up and a green square staying still on a black background');
  });

  it('gives a moving object with no direction a default direction, never stillness, and says so', () => {
    const result = expandPrompt('a green box drifting over orange');
    expect(result.caption).toBe('a green square moving right on a orange background');
    expect(result.changes).toContainEqual({ kind: 'default', what: 'motion', from: 'drifting', to: 'moving right' });
  });

  it('keeps a direction given later in the sentence over the default', () => {
    expect(caption('a green box drifting slowly to the left')).toBe('a green square moving left on a black background');
  });
});

describe('expandPrompt reads articles and word order', () => {
  it.each([
    'a red ball moving left on white',
    'the red ball moving left on white',
    'one red ball moving left on white',
    'red ball moving left on white',
    'a ball in red moving left on white',
    'the ball is red and moves left; the background is white',
    'moving left on white: a red ball',
    'on white, red ball, moving left',
    'white backdrop. Red ball. Moving left.',
  ])('%j', (prompt) => {
    expect(caption(prompt)).toBe('a red circle moving left on a white background');
  });

  it('does not carry a colour across the end of a sentence to the noun after it', () => {
    expect(caption('backdrop: orange. object: blue ball, rising')).toBe('a blue circle moving up on a orange background');
    expect(caption('the ball is red. a box moving left')).toBe('a red circle staying still and a green square moving left on a black background');
  });

  it('keeps each of two objects with its own words, whatever the background phrasing', () => {
    expect(caption('a crimson ball going left and a lime cube going up against ivory')).toBe(
      'a red circle moving left and a green square moving up on a white background',
    );
    expect(caption('navy backdrop, an amber disc sinking and a violet block at rest')).toBe(
      'a orange circle moving down and a purple square staying still on a blue background',
    );
  });
});
