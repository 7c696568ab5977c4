/** `npm run generate` in every mode on the shipped pack: frame counts of the outputs, and one-line errors. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeY4m } from '../../src/input/y4mDecoder';
import { runGenerate, scratchDir } from '../fixtures/generateCli';

const dir = scratchDir('tessera-cli-modes-');

const framesOf = (path: string) => decodeY4m(readFileSync(path)).frameCount;
const PROMPT = ['--prompt', 'a red circle moving right on a blue background'];
const FAST = ['--steps', '2', '--seed', '4', '--scale', '1'];
const clip = join(dir, 'clip.y4m');
const image = join(dir, 'image.png');

beforeAll(async () => {
  expect((await runGenerate(...PROMPT, ...FAST, '--frames', '17', '--out', clip)).status).toBe(0);
  expect((await runGenerate(...PROMPT, ...FAST, '--frames', '1', '--scale', '3', '--out', image)).status).toBe(0);
});

describe('npm run generate modes', () => {
  it.each([
    [['--image', image], 17, /17 frames \(image-to-video\)/],
    [['--image', image, '--warm-start', '1'], 17, /17 frames \(image-to-video\)/],
    [['--extend', clip], 17 + 8, /25 frames \(extend forward: 8 new\)/],
    [['--extend', clip, '--direction', 'backward'], 9 + 17, /26 frames \(extend backward: 9 new\)/],
    [['--video', clip, '--strength', '0.3'], 17, /17 frames \(video-to-video at strength 0.3\)/],
    [['--loop'], 16, /16 frames \(loop\)/],
    [['--connect', clip, clip], 17 + 8 + 17, /42 frames \(connect: 8 new between the clips\)/],
  ])('%j writes a clip of the expected length', async (args, frames, summary) => {
    const out = join(dir, 'out.y4m');
    const result = await runGenerate(...PROMPT, ...FAST, '--frames', '17', ...args, '--out', out);
    expect(result).toMatchObject({ status: 0, stderr: [] });
    expect(result.stdout[0]).toMatch(summary);
    expect(framesOf(out)).toBe(frames);
  });

  it('takes the aspect ratio from the input when --aspect is not given', async () => {
    const square = join(dir, 'square.y4m');
    await runGenerate(...PROMPT, ...FAST, '--frames', '9', '--aspect', '1:1', '--out', square);
    const result = await runGenerate(...PROMPT, ...FAST, '--video', square, '--out', join(dir, 'v.y4m'));
    expect(result.stdout[0]).toMatch(/9 frames .* of 128x128 ×1/);
  });

  it('--expand alone prints the caption on stdout and what changed on stderr, and generates nothing', async () => {
    const result = await runGenerate('--prompt', 'crimson ball goes left, sparkly', '--expand');
    expect(result.status).toBe(0);
    expect(result.stdout).toEqual(['a red circle moving left on a black background']);
    expect(result.stderr).toEqual(expect.arrayContaining(['colour: crimson → red', 'default background: black', 'not understood: sparkly']));
  });

  it.each([
    [['--image', image, '--loop'], /choose one mode, not --image and --loop/],
    [['--extend', clip, '--direction', 'sideways'], /--direction "sideways" is not forward or backward/],
    [['--direction', 'forward'], /--direction goes with --extend/],
    [['--video', clip, '--strength', '1.5'], /--strength "1.5" is not a number from 0 \(keep the clip\) to 1/],
    [['--strength', '0.5'], /--strength goes with --video/],
    [['--connect', clip], /--connect needs two clips/],
    [['stray.y4m'], /unexpected argument "stray.y4m"/],
    [['--image', join(dir, 'nope.png')], /cannot read .*nope\.png: no such file/],
    [['--image', join(dir, 'notes.txt')], /\.txt is not a format Tessera reads/],
    [['--image', join(dir, 'broken.png')], /broken\.png cannot be read: it is not a PNG file/],
    [['--image', image, '--frames', '1'], /image-to-video needs a video length/],
    [['--loop', '--frames', '1'], /a loop needs at least 3 latent frames/],
    [['--image', image, '--warm-start', '0'], /--warm-start "0" is not a flow time above 0 and at most 1/],
  ])('exits 2 with one line for %j', async (args, message) => {
    writeFileSync(join(dir, 'broken.png'), 'not a png');
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const result = await runGenerate(...PROMPT, ...FAST, '--out', join(dir, 'x.y4m'), ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(message);
  });
});
