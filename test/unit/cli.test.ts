/** `npm run generate` end to end on the default pack (tessera-tiny-2): outputs checked by decoding them, errors by exit status. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../../cli/run';
import { runGenerate, scratchDir } from '../fixtures/generateCli';

const dir = scratchDir('tessera-cli-');

const PROMPT = ['--prompt', 'a yellow square moving right on a purple background'];

describe('npm run generate', () => {
  it('writes a .y4m with one FRAME per frame at the upscaled size, identical for the same seed', async () => {
    const out = join(dir, 'a.y4m');
    const result = await runGenerate(...PROMPT, '--seed', '5', '--frames', '9', '--steps', '2', '--scale', '2', '--out', out);
    expect(result).toMatchObject({ status: 0, stderr: [] });
    expect(result.stdout[0]).toContain('9 frames of 224x128 ×2 at 8 fps, seed 5, 2 steps');
    const y4m = readFileSync(out);
    expect(y4m.subarray(0, 30).toString('latin1')).toMatch(/^YUV4MPEG2 W448 H256 F8:1 /);
    expect(y4m.toString('latin1').split('FRAME\n')).toHaveLength(10);

    const again = join(dir, 'b.y4m');
    await runGenerate(...PROMPT, '--seed', '5', '--frames', '9', '--steps', '2', '--scale', '2', '--out', again);
    expect(readFileSync(again).equals(y4m)).toBe(true);
  });

  it('writes a single-frame .png at the decoded size by default, with no nearest-neighbour step', async () => {
    const out = join(dir, 'image.png');
    const result = await runGenerate(...PROMPT, '--aspect', '9:16', '--steps', '2', '--seed', '1', '--out', out);
    expect(result.status).toBe(0);
    expect(result.stdout[0]).toMatch(/ of 128x224 ×1 /);
    const png = readFileSync(out);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([128, 224]);
  });

  it('writes an H.264 .mp4 that ffprobe reads with the right size and frame count', async () => {
    const out = join(dir, 'clip.mp4');
    const result = await runGenerate(...PROMPT, '--seconds', '1', '--steps', '2', '--seed', '2', '--aspect', '1:1', '--out', out);
    expect(result.status).toBe(0);
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'csv=p=0', out], {
      encoding: 'utf8',
    });
    expect(probe.stdout.trim()).toBe('h264,128,128,9');
  });

  it('reports what --expand did', async () => {
    const result = await runGenerate('--prompt', 'crimson ball goes left, sparkly', '--expand', '--frames', '1', '--steps', '1', '--seed', '0', '--out', join(dir, 'e.png'));
    expect(result.status).toBe(0);
    expect(result.stderr).toEqual(['caption: a red circle moving left on a black background', 'not understood: sparkly']);
  });

  it.each([
    [['--aspect', '4:3'], /aspect ratio "4:3" is not offered; choose one of 16:9, 1:1, 9:16/],
    [['--steps', '0'], /--steps "0" is not an integer from 1 to 1000/],
    [['--frames', '10'], /10 frames is not offered; choose one of 1, 9, 17, 25, 33/],
    [['--seconds', '60'], /duration 60 s is not offered/],
    [['--frames', '9', '--seconds', '1'], /not both/],
    [['--guidance', 'lots'], /--guidance "lots" is not a non-negative number/],
    [['--model', '/nonexistent/pack'], /no model pack at \/nonexistent\/pack/],
    [['--colour', 'red'], /Unknown option '--colour'/],
  ])('exits 2 with one line for %j', async (args, message) => {
    const result = await runGenerate(...PROMPT, '--out', join(dir, 'x.png'), ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(message);
  });

  it('exits 2 for a missing --prompt or an unknown output type', async () => {
    expect((await runGenerate('--out', join(dir, 'x.png'))).status).toBe(2);
    const result = await runGenerate(...PROMPT, '--out', join(dir, 'x.gif'));
    expect(result).toMatchObject({ status: 2, stderr: [expect.stringContaining('must end in .mp4, .y4m or .png')] });
  });

  it('exits 1 naming the file when a model file is corrupt', async () => {
    const pack = join(dir, 'corrupt-pack');
    cpSync(DEFAULT_MODEL_DIR, pack, { recursive: true });
    const dit = join(pack, 'dit.onnx');
    const bytes = readFileSync(dit);
    bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1);
    writeFileSync(dit, bytes);
    const result = await runGenerate(...PROMPT, '--model', pack, '--out', join(dir, 'x.png'));
    expect(result.status).toBe(1);
    expect(result.stderr).toEqual([expect.stringMatching(/^error: model file .*dit\.onnx is corrupt: sha256 /)]);
  });

  it('exits 1 when the manifest breaks the format', async () => {
    const pack = join(dir, 'bad-manifest');
    cpSync(DEFAULT_MODEL_DIR, pack, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8'));
    manifest.files[0].path = '../../etc/passwd';
    writeFileSync(join(pack, 'manifest.json'), JSON.stringify(manifest));
    const result = await runGenerate(...PROMPT, '--model', pack, '--out', join(dir, 'x.png'));
    expect(result).toMatchObject({ status: 1, stderr: [expect.stringMatching(/^error: model pack: manifest files\[0\]\.path/)] });
    copyFileSync(join(DEFAULT_MODEL_DIR, 'manifest.json'), join(pack, 'manifest.json'));
  });

  it('sets the process exit status and prints one line when run as a command', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'cli/generate.ts', ...PROMPT, '--aspect', '4:3', '--out', join(dir, 'x.png')], {
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: process.cwd() },
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('error: aspect ratio "4:3" is not offered')]);
  });
});
