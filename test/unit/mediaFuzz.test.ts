/**
 * Seeded fuzzers for the media readers: mutated PNG, Y4M and MP4 files give only the reader's own
 * error (MediaInputError), never a RangeError, TypeError or runaway memory. Replay a failure with
 * TESSERA_FUZZ_SEED=<seed> (each test names its seed); failures list the mutation steps.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodePng } from '../../cli/pngDecoder';
import { encodePng } from '../../cli/png';
import { encodeY4m } from '../../cli/y4m';
import { checkImageHeader, readImageSize } from '../../src/input/imageHeader';
import { MediaInputError, type MediaInputErrorCode } from '../../src/input/mediaInputError';
import { withDecodableVideoTrack } from '../../src/input/videoTrack';
import { decodeY4m } from '../../src/input/y4mDecoder';
import { addPngText, MAX_PNG_TEXT_CHUNKS, readPngText } from '../../src/media/png';
import { mutateBytes } from '../fixtures/byteMutator';
import { bmpHeader, gifHeader, jpegHeader, pngHeaderBytes, webpHeader } from '../fixtures/imageHeaders';
import { fuzzSeed, seededRng } from '../fixtures/jsonMutator';
import { headerOnlyMp4 } from '../fixtures/headerOnlyMp4';
import { worldClip } from '../fixtures/worldClip';

const SEED = fuzzSeed(24);
/** Growth of the process's resident memory allowed over one fuzzer's run. */
const RSS_BUDGET = 256 * 1024 ** 2;

afterEach(() => vi.restoreAllMocks());

/** Runs `read` on `count` mutants of the seeds; any error but a MediaInputError fails with the seed, the mutant's index and steps. */
async function fuzz(seeds: readonly Uint8Array[], count: number, read: (bytes: Uint8Array) => unknown): Promise<{ refused: number; read: number; codes: Record<string, number> }> {
  const rng = seededRng(SEED);
  const rssBefore = process.memoryUsage().rss;
  let refused = 0;
  const codes: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const mutant = mutateBytes(seeds[i % seeds.length]!, rng);
    try {
      await read(mutant.bytes);
    } catch (error) {
      if (!(error instanceof MediaInputError)) {
        throw new Error(`seed ${SEED}, mutant ${i} (${mutant.steps.join('; ')}): ${(error as Error)?.name}: ${(error as Error)?.message}`);
      }
      refused++;
      codes[error.code] = (codes[error.code] ?? 0) + 1;
    }
  }
  expect(process.memoryUsage().rss - rssBefore, `seed ${SEED}: memory growth`).toBeLessThan(RSS_BUDGET);
  return { refused, read: count - refused, codes };
}

const clip = worldClip({ colour: 'red', shape: 'circle', background: 'blue', direction: [1, 0] }, 16, 12, 3);

describe(`media fuzzers (seed ${SEED})`, () => {
  it('PNG: 3000 mutants decode or give a MediaInputError; text and header readers never throw', async () => {
    const rgb = encodePng(16, 12, clip.frames[0]!);
    const seeds = [rgb, addPngText(rgb, { tessera: '{"v":1}', Software: 'Tessera' })];
    const outcome = await fuzz(seeds, 3000, async (bytes) => {
      expect(Object.keys(readPngText(bytes)).length).toBeLessThanOrEqual(MAX_PNG_TEXT_CHUNKS);
      readImageSize(bytes);
      const source = decodePng(bytes, 'fuzz.png');
      await source.frame(0);
    });
    // Both outcomes happen: the fuzzer reaches the decoder and the refusals.
    expect(outcome.refused).toBeGreaterThan(100);
    expect(outcome.read).toBeGreaterThan(100);
  });

  it('image headers (PNG, JPEG, WebP, GIF, BMP): 5000 mutants give a size, null, or a MediaInputError from the limits', async () => {
    const seeds = [pngHeaderBytes(64, 48), jpegHeader(640, 480), webpHeader('VP8 ', 64, 48), webpHeader('VP8L', 64, 48), webpHeader('VP8X', 64, 48), gifHeader(64, 48), bmpHeader(64, -48)];
    const outcome = await fuzz(seeds, 5000, (bytes) => {
      const size = readImageSize(bytes);
      if (size) expect([size.width, size.height].every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
      checkImageHeader(bytes, 'fuzz.img');
    });
    expect(outcome.codes['too-large']).toBeGreaterThan(20);
    expect(outcome.codes.unreadable).toBeGreaterThan(20);
    expect(outcome.read).toBeGreaterThan(1000);
  });

  it('Y4M: 3000 mutants of files and header fields decode or give a MediaInputError', async () => {
    const edges = ['0', '-1', '1e9', '99999999', '16385', '7681', 'NaN', '', '0x10', '1.5'];
    const headerMutant = (bytes: Uint8Array, i: number) => {
      // Every other mutant also gets an edge value in one header field, which byte flips rarely reach.
      if (i % 2) return bytes;
      const field = 'WHFC'[i % 4]!;
      const text = Buffer.from(bytes).toString('latin1');
      return Buffer.from(text.replace(new RegExp(` ${field}[^ \\n]*`), ` ${field}${edges[(i >> 2) % edges.length]}`), 'latin1');
    };
    const seeds = [encodeY4m(clip, 8), Buffer.concat([Buffer.from('YUV4MPEG2 W4 H2 F25:1 C420jpeg\nFRAME\n'), Buffer.alloc(12, 128)])];
    let i = 0;
    const outcome = await fuzz(seeds, 3000, async (bytes) => {
      const source = decodeY4m(headerMutant(bytes, i++), 'fuzz.y4m');
      for (const index of [0, source.frameCount - 1]) if (index >= 0) await source.frame(index);
    });
    expect(outcome.refused).toBeGreaterThan(100);
    expect(outcome.read).toBeGreaterThan(100);
  });

  describe('MP4 headers', () => {
    let mp4: Uint8Array;
    beforeAll(async () => {
      mp4 = await headerOnlyMp4(32, 16);
    });

    it('400 mutants of an MP4 give only MediaInputErrors while its track header is read and checked', async () => {
      // mediabunny logs its own parse errors (e.g. a damaged SPS) to the console; they are expected here.
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const fail = (code: MediaInputErrorCode, message: string) => new MediaInputError(code, message);
      const outcome = await fuzz([mp4], 400, async (bytes) => {
        await withDecodableVideoTrack(bytes.slice().buffer, 'fuzz.mp4', { fail, decoderAdvice: 'none' }, async () => undefined);
      });
      // Node has no VideoDecoder, so a track whose header reads and passes the limits ends in
      // decoder-missing; damaged ones in unreadable.
      expect(outcome.read).toBe(0);
      expect(outcome.codes['decoder-missing']).toBeGreaterThan(50);
      expect(outcome.codes.unreadable).toBeGreaterThan(50);
    });
  });
});
