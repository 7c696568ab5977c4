/**
 * `npm run generate` refuses what it cannot honour before it loads the model: an unreadable prompt,
 * an --out it could not write, an output over its memory budget. A spy on the node runner's graph
 * runs proves the model was never loaded (a session is made on its graph's first run); a missing
 * output file proves nothing was generated.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { USAGE } from '../../cli/args';
import { checkOutputBudget, MAX_OUTPUT_RGBA_BYTES, outputRgbaBytes } from '../../cli/outputChecks';
import { runGenerate, scratchDir } from '../fixtures/generateCli';
import { TESSERA_TINY_DIR } from '../fixtures/packDirs';

/** Roles of every graph run. */
const graphRuns = vi.hoisted(() => vi.fn<(role: string) => void>());

vi.mock('../../src/runtime/nodeRunner', async (importOriginal) => (await import('../fixtures/spiedNodeRunner')).spiedNodeRunner(importOriginal, graphRuns));

const dir = scratchDir('tessera-cli-early-');
const PROMPT = ['--prompt', 'a red circle moving right on a blue background'];
const FAST = ['--steps', '1', '--seed', '3'];

beforeEach(() => {
  graphRuns.mockClear();
});

describe('npm run generate checks the request before loading the model', () => {
  it.each([
    ['only NUL characters', '\u0000\u0000', /nothing the model can read: it holds only symbols or control characters \(U\+0000\)/],
    ['only symbols', '!!! ★', /only symbols or control characters \(U\+0021, U\+2605\)/],
    ['only words outside the alphabet', '猫が走る', /its words \(猫が走る\) use letters outside a-z and 0-9/],
  ])('exits 2 for a prompt of %s', async (_, prompt, message) => {
    const out = join(dir, 'unreadable.png');
    const result = await runGenerate('--prompt', prompt, ...FAST, '--out', out);
    expect(result.status).toBe(2);
    expect(result.stderr).toEqual([expect.stringMatching(message)]);
    expect(graphRuns).not.toHaveBeenCalled();
    expect(existsSync(out)).toBe(false);
  });

  it('generates from the readable words and warns about the words outside the alphabet', async () => {
    const out = join(dir, 'cafe.png');
    const result = await runGenerate('--prompt', 'a red circle moving right, café 猫', ...FAST, '--frames', '1', '--scale', '1', '--out', out);
    expect(result.status).toBe(0);
    expect(result.stderr[0]).toBe('warning: letters outside a-z and 0-9 do not reach the model; left out of: café, 猫');
    expect(existsSync(out)).toBe(true);
  });

  it('lists words outside the alphabet when --expand only prints the caption', async () => {
    const result = await runGenerate('--prompt', 'a crimson ball, 猫', '--expand');
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('outside the alphabet (a-z, 0-9): 猫');
  });

  it('exits 2 when the --out folder does not exist', async () => {
    const out = join(dir, 'no-such-folder', 'clip.y4m');
    const result = await runGenerate(...PROMPT, ...FAST, '--out', out);
    expect(result.status).toBe(2);
    expect(result.stderr).toEqual([`error: --out ${JSON.stringify(out)}: the folder ${join(dir, 'no-such-folder')} does not exist; create it first or write somewhere else`]);
    expect(graphRuns).not.toHaveBeenCalled();
  });

  it('exits 2 when the --out folder is a file, or --out is a folder', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    const inFile = await runGenerate(...PROMPT, ...FAST, '--out', join(file, 'clip.png'));
    expect(inFile).toMatchObject({ status: 2, stderr: [expect.stringContaining('is a file, not a folder')] });
    const folder = join(dir, 'looks-like.png');
    mkdirSync(folder);
    const isFolder = await runGenerate(...PROMPT, ...FAST, '--out', folder);
    expect(isFolder).toMatchObject({ status: 2, stderr: [expect.stringContaining('is a folder; name a file in it')] });
    expect(graphRuns).not.toHaveBeenCalled();
  });

  // /proc/sys refuses writes even to root, who may write anywhere else (tests here run as root).
  it.runIf(process.platform === 'linux')('exits 2 when the --out folder cannot be written to', async () => {
    const result = await runGenerate(...PROMPT, ...FAST, '--out', '/proc/sys/clip.png');
    expect(result).toMatchObject({ status: 2, stderr: ['error: --out "/proc/sys/clip.png": the folder /proc/sys cannot be written to; choose a folder you can write to'] });
    expect(graphRuns).not.toHaveBeenCalled();
  });

  describe('without ffmpeg on PATH', () => {
    const path = process.env.PATH;
    beforeEach(() => {
      process.env.PATH = '';
    });
    afterEach(() => {
      process.env.PATH = path;
    });

    it('refuses an .mp4 before loading the model', async () => {
      const out = join(dir, 'clip.mp4');
      const result = await runGenerate(...PROMPT, ...FAST, '--out', out);
      expect(result).toMatchObject({ status: 1, stderr: ['error: .mp4 needs ffmpeg on PATH (apt-get install ffmpeg); use --out clip.y4m or image.png instead'] });
      expect(graphRuns).not.toHaveBeenCalled();
    });
  });

  it('exits 2 for --scale 64 at 33 frames of the default pack (224x128), naming the largest --scale that fits', async () => {
    const out = join(dir, 'huge.y4m');
    const result = await runGenerate(...PROMPT, ...FAST, '--frames', '33', '--scale', '64', '--out', out);
    expect(result.status).toBe(2);
    expect(result.stderr).toEqual([
      'error: --scale 64 makes 33 frames of 14336x8192: 15.5 GB of RGBA, over the 268 MB the CLI holds in memory; use --scale 8 or less, or fewer frames',
    ]);
    expect(graphRuns).not.toHaveBeenCalled();
    expect(existsSync(out)).toBe(false);
  });

  it('counts the source frames that extend joins to the output', async () => {
    const clip = join(dir, 'source.y4m');
    const tiny = ['--model', TESSERA_TINY_DIR];
    expect((await runGenerate(...PROMPT, ...FAST, ...tiny, '--frames', '33', '--scale', '1', '--out', clip)).status).toBe(0);
    // The spy sees the graphs a generation runs, so its silence after the refusal means something.
    expect(graphRuns).toHaveBeenCalledWith('dit');
    graphRuns.mockClear();
    // 33 sampled + 33 source frames at tessera-tiny's 56x32: --scale 33 fits 33 frames, not 66.
    const result = await runGenerate(...PROMPT, ...FAST, ...tiny, '--extend', clip, '--frames', '33', '--scale', '33', '--out', join(dir, 'extended.y4m'));
    expect(result).toMatchObject({ status: 2, stderr: [expect.stringContaining('--scale 33 makes 66 frames of 1848x1056')] });
    expect(result.stderr[0]).toContain('use --scale 23 or less');
    expect(graphRuns).not.toHaveBeenCalled();
  });
});

describe('the output budget', () => {
  it('lets the default --scale 4 through at the largest size and frame count, and refuses one pixel row more than the budget', () => {
    expect(() => checkOutputBudget({ width: 56, height: 32, frames: 33 }, 4)).not.toThrow();
    expect(() => checkOutputBudget({ width: 56, height: 32, frames: 33 }, 33)).not.toThrow();
    expect(outputRgbaBytes({ width: 56, height: 32, frames: 33 }, 34)).toBeGreaterThan(MAX_OUTPUT_RGBA_BYTES);
    expect(() => checkOutputBudget({ width: 56, height: 32, frames: 33 }, 34)).toThrow(/use --scale 33 or less/);
  });

  it('is the budget --help states', () => {
    expect(USAGE).toContain(`at most ${MAX_OUTPUT_RGBA_BYTES / 2 ** 20} MiB of RGBA`);
  });

  it('suggests fewer frames when not even --scale 1 fits', () => {
    const frames = Math.floor(MAX_OUTPUT_RGBA_BYTES / (56 * 32 * 4)) + 1;
    expect(() => checkOutputBudget({ width: 56, height: 32, frames }, 1)).toThrow(/use fewer frames or shorter input clips$/);
  });
});
