/**
 * The CLI's inputs (--image, --extend, --video, --connect): .png and .y4m read here, in
 * TypeScript; .mp4 and other containers, JPEG and WebP through the system's ffmpeg when it is
 * installed. Every source comes back at the pack's frame rate, fitted to the model size
 * (src/pipeline/fitFrames.ts: centre crop, then an antialiased resample).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { VideoSize } from '../src/models/manifest';
import { collectFrames, fitStream } from '../src/input/decodedFrames';
import { MediaInputError, READABLE_FORMATS } from '../src/input/mediaInputError';
import { checkSourceSize, checkWholeFileSize, MAX_SOURCE_FRAMES } from '../src/input/mediaLimits';
import { decodeY4m } from '../src/input/y4mDecoder';
import type { RgbaClip } from '../src/pipeline/fitFrames';
import { hasFfmpeg } from './mp4';
import { decodePng } from './pngDecoder';

/** Extensions handed to ffmpeg: containers of video, and still images. */
const FFMPEG_VIDEO = new Set(['mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi', 'gif']);
const FFMPEG_IMAGE = new Set(['jpg', 'jpeg', 'webp', 'bmp']);

/** Picks the model size for a source of width×height (the caller's aspect, or the closest one). */
export type SizeChooser = (width: number, height: number) => VideoSize;

/** Reads `path` at `fps`, fitted to the size `chooseSize` picks. Throws MediaInputError. */
export async function readMedia(path: string, fps: number, chooseSize: SizeChooser): Promise<RgbaClip> {
  const what = path;
  const type = extname(path).slice(1).toLowerCase();
  if (type !== 'png' && type !== 'y4m' && !FFMPEG_VIDEO.has(type) && !FFMPEG_IMAGE.has(type)) {
    throw new MediaInputError('unsupported-format', `${path}: .${type || '(no extension)'} is not a format Tessera reads; give ${READABLE_FORMATS}`);
  }
  if (type === 'png' || type === 'y4m') {
    const bytes = await readWholeFile(path);
    return collectFrames(type === 'png' ? decodePng(bytes, what) : decodeY4m(bytes, what), fps, chooseSize, what);
  }
  return readWithFfmpeg(path, FFMPEG_VIDEO.has(type), fps, chooseSize);
}

/**
 * Reads a .png or .y4m file whole, after checking its size on disk (MAX_WHOLE_FILE_BYTES), so a
 * huge file is refused before it is read. Throws MediaInputError.
 */
export async function readWholeFile(path: string): Promise<Uint8Array> {
  try {
    checkWholeFileSize((await stat(path)).size, path);
    return await readFile(path);
  } catch (error) {
    if (error instanceof MediaInputError) throw error;
    throw new MediaInputError('unreadable', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** ffprobe for the size, then ffmpeg → raw RGBA frames on stdout (at `fps` for a video), fitted as they arrive. */
async function readWithFfmpeg(path: string, video: boolean, fps: number, chooseSize: SizeChooser): Promise<RgbaClip> {
  if (!hasFfmpeg()) throw new MediaInputError('decoder-missing', `${path}: reading .${extname(path).slice(1)} needs ffmpeg on PATH (apt-get install ffmpeg); or convert it to .y4m or .png`);
  const probe = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  const [width = 0, height = 0] = probe.stdout.trim().split(',').map(Number);
  if (probe.status !== 0 || !width || !height) {
    throw new MediaInputError('unreadable', `${path} cannot be read: ${probe.stderr.trim().split('\n')[0] || 'it has no video stream'}`);
  }
  checkSourceSize(width, height, path);
  // ffmpeg stops itself one frame past the limit (fitStream refuses that frame), so a long or
  // endless stream never decodes further than Tessera would read.
  const frameLimit = video ? MAX_SOURCE_FRAMES + 1 : 1;
  const args = ['-v', 'error', '-i', path, ...(video ? ['-vf', `fps=${fps}`] : []), '-frames:v', String(frameLimit), '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const frameBytes = width * height * 4;
  async function* frames(): AsyncGenerator<Uint8ClampedArray> {
    let pending: Buffer = Buffer.alloc(0);
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= frameBytes) {
        yield new Uint8ClampedArray(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
      }
    }
  }
  let clip: RgbaClip | undefined;
  let failure: unknown;
  try {
    clip = await fitStream(frames(), width, height, chooseSize(width, height), fps, path);
  } catch (error) {
    failure = error;
    child.kill(); // too long: stop decoding the rest
  }
  const code = await exit;
  if (code !== 0 && !(failure instanceof MediaInputError && failure.code === 'too-large')) {
    throw new MediaInputError('unreadable', `${path} cannot be read: ${stderr.trim().split('\n')[0] || `ffmpeg exit ${code}`}`);
  }
  if (failure !== undefined || !clip) throw failure;
  return clip;
}
