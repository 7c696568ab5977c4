/** Command-line flags of `npm run generate`, parsed strictly: a typo is an error, not a default. */
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModeWithSources } from '../src/pipeline/videoModes';
import { MIN_SIDE } from '../src/safety/watermark';

export const USAGE = `usage: npm run generate -- --prompt "…" --out clip.mp4|clip.y4m|image.png [mode] [options]
  --prompt TEXT        what to generate (required)
  --out FILE           .mp4 (needs ffmpeg), .y4m, or .png (one frame, or all frames in a row)
modes (at most one; inputs are .y4m, .png, or .mp4/.jpg/.webp through ffmpeg):
  --image FILE         image-to-video: a clip that starts from this image
  --extend FILE        continue this clip; --direction forward (default) or backward
  --video FILE         video-to-video: re-generate this clip; --strength S from 0 (keep) to 1 (ignore), default 0.6
  --loop               a clip whose last frame flows into its first
  --connect A B        a transition from the end of clip A to the start of clip B (output A + transition + B)
  --expand             rewrite the prompt into the trained caption style; without --out, print it and exit
  --storyboard FILE    render a storyboard of text, image and clip cards instead (docs/storyboard.md;
                       npm run generate -- --storyboard x --help)
  --warm-start T       image, extend, connect: new frames start at flow time T (0..1] from the nearest
                       known frame, 1 = from pure noise (default 0.8: smoother joins, a little less motion)
options:
  --seed N             0..4294967295 (default: random, printed)
  --aspect A           16:9 | 1:1 | 9:16, or any size the pack lists (default 16:9, or the closest to the input)
  --seconds S          clip length; rounded to the nearest frame count the pack offers
  --frames N           exact frame count (1 = an image); not with --seconds
  --steps N            denoising steps (default: the pack's)
  --guidance G         classifier-free guidance scale (default: the pack's)
  --negative TEXT      negative prompt (default: none)
  --model DIR          model pack folder (default public/models/tessera-tiny-2; public/models/tessera-tiny
                       is the same model decoding 32-pixel frames)
  --scale K            integer nearest-neighbour upscale of the decoded frames (default: the pack's,
                       the smallest factor giving a shorter side of at least 128 px: 4 for
                       tessera-tiny, 1 for tessera-tiny-2 and Wan2.1 packs); all frames together
                       may hold at most 256 MiB of RGBA (33 frames of 16:9 allow up to --scale 8 on
                       tessera-tiny-2, 33 on tessera-tiny)
  --omit-prompt        leave the prompt's text out of the file's metadata (its SHA-256 is kept)
  --help               this text
provenance (as in the app; check a file with npm run check -- FILE):
  every output carries Tessera's invisible watermark when its shorter side is at least ${MIN_SIDE} pixels
  (after --scale). .mp4 (comment tag) and .png (iTXt chunk "tessera") also carry a metadata record:
  model pack, seed, settings, the prompt's SHA-256 and the prompt. .y4m has no place for metadata:
  it carries the watermark only.`;

export type OutputFormat = 'mp4' | 'y4m' | 'png';

/** The generation mode and its input files (paths), as given on the command line; the app's ModeRequest with paths. */
export type CliMode = ModeWithSources<string>;

/** `--expand` without `--out`: print the expanded prompt and exit. */
export interface ExpandOnly {
  readonly expandOnly: true;
  readonly prompt: string;
  /** The pack whose architecture expands (default the shipped one). */
  readonly model?: string;
}

export interface CliOptions {
  readonly prompt: string;
  readonly out: string;
  readonly format: OutputFormat;
  readonly mode: CliMode;
  readonly seed?: number;
  /** Absent: 16:9 for text, the closest to the input for the other modes. */
  readonly aspect?: string;
  readonly seconds?: number;
  readonly frames?: number;
  readonly steps?: number;
  readonly guidance?: number;
  readonly negative: string;
  readonly expand: boolean;
  readonly model?: string;
  /** Absent: the pack's default (src/media/outputScale.ts). */
  readonly scale?: number;
  /** Leave the prompt's text out of the file's metadata (seed, settings and the prompt's hash stay). */
  readonly omitPrompt: boolean;
  readonly warmStart?: number;
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
export function parseCliArgs(argv: readonly string[]): CliOptions | ExpandOnly | 'help' {
  let values;
  let tokens;
  try {
    ({ values, tokens } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      tokens: true,
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
        image: { type: 'string' },
        extend: { type: 'string' },
        direction: { type: 'string' },
        video: { type: 'string' },
        strength: { type: 'string' },
        loop: { type: 'boolean' },
        connect: { type: 'string' },
        'warm-start': { type: 'string' },
        model: { type: 'string' },
        scale: { type: 'string' },
        'omit-prompt': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
  if (values.help) return 'help';
  // The only positional allowed is the second file of --connect A B.
  const second = connectSecond(tokens);
  if (values.prompt === undefined) throw new UsageError('--prompt is required');
  if (values.expand && values.out === undefined) return { expandOnly: true, prompt: values.prompt, ...(values.model !== undefined ? { model: values.model } : {}) };
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
  const mode = parseMode(values, second);
  const warmStart = decimal('warm-start', values['warm-start']);
  if (warmStart !== undefined && !(warmStart > 0 && warmStart <= 1)) throw new UsageError(`--warm-start ${JSON.stringify(values['warm-start'])} is not a flow time above 0 and at most 1`);
  return {
    prompt: values.prompt,
    out: values.out,
    format,
    mode,
    ...(values.aspect !== undefined ? { aspect: values.aspect } : {}),
    negative: values.negative ?? '',
    expand: values.expand ?? false,
    ...(values.scale !== undefined ? { scale: integer('scale', values.scale, 1, 64)! } : {}),
    omitPrompt: values['omit-prompt'] ?? false,
    ...(seed !== undefined ? { seed } : {}),
    ...(seconds !== undefined ? { seconds } : {}),
    ...(frames !== undefined ? { frames } : {}),
    ...(steps !== undefined ? { steps } : {}),
    ...(guidance !== undefined ? { guidance } : {}),
    ...(values.model !== undefined ? { model: values.model } : {}),
    ...(warmStart !== undefined ? { warmStart } : {}),
  };
}

/** The file after `--connect A`: the one positional argument allowed, and only there. */
function connectSecond(tokens: ReturnType<typeof parseArgs>['tokens']): string | undefined {
  let second: string | undefined;
  (tokens ?? []).forEach((token, i, all) => {
    if (token.kind !== 'positional') return;
    const before = all[i - 1];
    if (before?.kind === 'option' && before.name === 'connect' && before.inlineValue === false && second === undefined) second = token.value;
    else throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}; only --connect takes two files`);
  });
  return second;
}

const MODE_FLAGS = ['image', 'extend', 'video', 'loop', 'connect'] as const;

/** The mode from --image, --extend/--direction, --video/--strength, --loop, --connect (at most one). */
function parseMode(values: Record<string, string | boolean | undefined>, second: string | undefined): CliMode {
  const given = MODE_FLAGS.filter((flag) => values[flag] !== undefined && values[flag] !== false);
  if (given.length > 1) throw new UsageError(`choose one mode, not ${given.map((f) => `--${f}`).join(' and ')}`);
  if (values.direction !== undefined && values.extend === undefined) throw new UsageError('--direction goes with --extend');
  if (values.strength !== undefined && values.video === undefined) throw new UsageError('--strength goes with --video');
  const file = (flag: string) => {
    const value = values[flag];
    if (typeof value !== 'string' || value.length === 0 || value.startsWith('--')) throw new UsageError(`--${flag} needs a file`);
    return value;
  };
  switch (given[0]) {
    case 'image':
      return { kind: 'image-to-video', image: file('image') };
    case 'extend': {
      const direction = values.direction ?? 'forward';
      if (direction !== 'forward' && direction !== 'backward') throw new UsageError(`--direction ${JSON.stringify(direction)} is not forward or backward`);
      return { kind: 'extend', clip: file('extend'), direction };
    }
    case 'video': {
      const strength = decimal('strength', values.strength as string | undefined) ?? 0.6;
      if (strength > 1) throw new UsageError(`--strength ${JSON.stringify(values.strength)} is not a number from 0 (keep the clip) to 1 (ignore it)`);
      return { kind: 'video-to-video', clip: file('video'), strength };
    }
    case 'loop':
      return { kind: 'loop' };
    case 'connect':
      if (second === undefined) throw new UsageError('--connect needs two clips: --connect a.y4m b.y4m');
      return { kind: 'connect', first: file('connect'), second };
    default:
      return { kind: 'text' };
  }
}
