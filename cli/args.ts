/** Command-line flags of `npm run generate`, parsed strictly: a typo is an error, not a default. */
import { extname } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `usage: npm run generate -- --prompt "…" --out clip.mp4|clip.y4m|image.png [options]
  --prompt TEXT        what to generate (required)
  --out FILE           .mp4 (needs ffmpeg), .y4m, or .png (one frame, or a grid of all frames)
  --seed N             0..4294967295 (default: random, printed)
  --aspect A           16:9 | 1:1 | 9:16, or any size the pack lists (default 16:9)
  --seconds S          clip length; rounded to the nearest frame count the pack offers
  --frames N           exact frame count (1 = an image); not with --seconds
  --steps N            denoising steps (default: the pack's)
  --guidance G         classifier-free guidance scale (default: the pack's)
  --negative TEXT      negative prompt (default: none)
  --expand             rewrite the prompt into the trained caption style first
  --model DIR          model pack folder (default public/models/tessera-tiny)
  --scale K            integer nearest-neighbour upscale of the output (default 4)
  --help               this text`;

export type OutputFormat = 'mp4' | 'y4m' | 'png';

export interface CliOptions {
  readonly prompt: string;
  readonly out: string;
  readonly format: OutputFormat;
  readonly seed?: number;
  readonly aspect: string;
  readonly seconds?: number;
  readonly frames?: number;
  readonly steps?: number;
  readonly guidance?: number;
  readonly negative: string;
  readonly expand: boolean;
  readonly model?: string;
  readonly scale: number;
}

/** A mistake in the command line; the CLI exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integer(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`--${flag} ${JSON.stringify(text)} is not an integer from ${min} to ${max}`);
  return value;
}

function decimal(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) throw new UsageError(`--${flag} ${JSON.stringify(text)} is not a non-negative number`);
  return value;
}

/** Parses argv (without node and script); returns 'help' for --help. Throws UsageError. */
export function parseCliArgs(argv: readonly string[]): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        prompt: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        aspect: { type: 'string' },
        seconds: { type: 'string' },
        frames: { type: 'string' },
        steps: { type: 'string' },
        guidance: { type: 'string' },
        negative: { type: 'string' },
        expand: { type: 'boolean' },
        model: { type: 'string' },
        scale: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
  if (values.help) return 'help';
  if (values.prompt === undefined) throw new UsageError('--prompt is required');
  if (values.out === undefined) throw new UsageError('--out is required (clip.mp4, clip.y4m or image.png)');
  const format = extname(values.out).slice(1).toLowerCase();
  if (format !== 'mp4' && format !== 'y4m' && format !== 'png') {
    throw new UsageError(`--out ${JSON.stringify(values.out)} must end in .mp4, .y4m or .png`);
  }
  if (values.seconds !== undefined && values.frames !== undefined) throw new UsageError('give --seconds or --frames, not both');
  const seed = integer('seed', values.seed, 0, 0xffffffff);
  const seconds = decimal('seconds', values.seconds);
  const frames = integer('frames', values.frames, 1, 100_000);
  const steps = integer('steps', values.steps, 1, 1000);
  const guidance = decimal('guidance', values.guidance);
  return {
    prompt: values.prompt,
    out: values.out,
    format,
    aspect: values.aspect ?? '16:9',
    negative: values.negative ?? '',
    expand: values.expand ?? false,
    scale: integer('scale', values.scale, 1, 64) ?? 4,
    ...(seed !== undefined ? { seed } : {}),
    ...(seconds !== undefined ? { seconds } : {}),
    ...(frames !== undefined ? { frames } : {}),
    ...(steps !== undefined ? { steps } : {}),
    ...(guidance !== undefined ? { guidance } : {}),
    ...(values.model !== undefined ? { model: values.model } : {}),
  };
}
