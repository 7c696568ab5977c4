/** `npm run generate` with tessera-tiny-2, whose decoder renders at 4× the model size (video.decoderUpscale). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGenerate, scratchDir } from '../fixtures/generateCli';

const dir = scratchDir('tessera-cli-sr-');
const PACK = ['--model', 'public/models/tessera-tiny-2'];
const PROMPT = ['--prompt', 'a yellow triangle moving right on a purple background', '--steps', '2', '--seed', '1'];

describe('npm run generate with a 4× decoder', () => {
  it('writes the decoded frames as they are by default: 4× the model size, no nearest-neighbour step', async () => {
    const out = join(dir, 'image.png');
    const result = await runGenerate(...PROMPT, ...PACK, '--aspect', '9:16', '--out', out);
    expect(result.status).toBe(0);
    const png = readFileSync(out);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([128, 224]);
    expect(result.stdout.join('\n')).toContain('of 128x224 ×1 at');
  });

  it('scales the decoded frames by an explicit --scale', async () => {
    const out = join(dir, 'image2.png');
    expect((await runGenerate(...PROMPT, ...PACK, '--aspect', '1:1', '--scale', '2', '--out', out)).status).toBe(0);
    const png = readFileSync(out);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([256, 256]);
  });

  it('counts the decoded size against the output budget before any graph runs', async () => {
    const result = await runGenerate(...PROMPT, ...PACK, '--frames', '33', '--scale', '9', '--out', join(dir, 'big.y4m'));
    expect(result.status).toBe(2);
    expect(result.stderr[0]).toContain('--scale 9 makes 33 frames of 2016x1152');
    expect(result.stderr[0]).toContain('use --scale 8 or less');
  });
});
