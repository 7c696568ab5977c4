/** Flags of `npm run generate -- --storyboard board.json --out story.mp4`, parsed strictly like the rest of the CLI. */
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './args';

export const STORYBOARD_USAGE = `usage: npm run generate -- --storyboard board.json --out story.mp4|story.y4m [options]
  --storyboard FILE    a storyboard (docs/storyboard.md); its image and clip files are relative to it
  --out FILE           .mp4 (needs ffmpeg; carries the board in its metadata) or .y4m
options:
  --steps N            denoising steps of every segment (default: the board's, else the pack's)
  --model DIR          model pack folder (default public/models/tessera-tiny-2)
  --scale K            integer nearest-neighbour upscale of the output (default: the pack's, as for
                       a single clip: 4 for tessera-tiny, 1 for tessera-tiny-2 and Wan2.1 packs)
  --omit-prompt        leave the prompts (and so the board) out of the file's metadata
  --help               this text`;

export interface StoryboardCliOptions {
  readonly board: string;
  readonly out: string;
  readonly format: 'mp4' | 'y4m';
  readonly steps?: number;
  readonly model?: string;
  /** Without it, the single clip's default (src/media/outputScale.ts). */
  readonly scale?: number;
  readonly omitPrompt: boolean;
}

/** True when the command line asks for a storyboard (it then takes this parser, not parseCliArgs). */
export function isStoryboardCommand(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--storyboard' || arg.startsWith('--storyboard='));
}

/** Parses argv (without node and script); 'help' for --help. Throws UsageError. */
export function parseStoryboardArgs(argv: readonly string[]): StoryboardCliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        storyboard: { type: 'string' },
        out: { type: 'string' },
        steps: { type: 'string' },
        model: { type: 'string' },
        scale: { type: 'string' },
        'omit-prompt': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    // A flag of single-clip generation (--prompt, --seed…) lands here: the board holds those.
    throw new UsageError(`${(error as Error).message.split('\n')[0]!} (with --storyboard, the board holds the prompts, seed and aspect)`);
  }
  if (values.help) return 'help';
  if (!values.storyboard) throw new UsageError('--storyboard needs a file: --storyboard board.json');
  if (values.out === undefined) throw new UsageError('--out is required (story.mp4 or story.y4m)');
  const format = extname(values.out).slice(1).toLowerCase();
  if (format !== 'mp4' && format !== 'y4m') throw new UsageError(`--out ${JSON.stringify(values.out)} must end in .mp4 or .y4m for a storyboard`);
  const steps = wholeNumber('steps', values.steps, 1, 1000);
  return {
    board: values.storyboard,
    out: values.out,
    format,
    ...(values.scale !== undefined ? { scale: wholeNumber('scale', values.scale, 1, 64)! } : {}),
    omitPrompt: values['omit-prompt'] ?? false,
    ...(steps !== undefined ? { steps } : {}),
    ...(values.model !== undefined ? { model: values.model } : {}),
  };
}

function wholeNumber(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`--${flag} ${JSON.stringify(text)} is not an integer from ${min} to ${max}`);
  return value;
}
