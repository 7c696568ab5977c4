/**
 * `npm run check -- FILE`: does FILE (.mp4 or another video, .png, .y4m, .jpg/.webp) carry
 * Tessera's invisible watermark, and what provenance metadata does it hold? Prints exactly one JSON
 * object on stdout: {"watermark": true|false, "confidence": 0..1, "metadata": {...}|null}.
 * `--verbose` adds the detector's details on stderr. Exit status: 0 when the check ran (whatever the
 * answer), 2 for a wrong command line, 1 for a file that cannot be read.
 */
import { spawnSync } from 'node:child_process';
import { extname } from 'node:path';
import { ALL_FORMATS, FilePathSource, Input } from 'mediabunny';
import type { FrameSource } from '../src/input/decodedFrames';
import { checkSourceSize } from '../src/input/mediaLimits';
import { decodeY4m } from '../src/input/y4mDecoder';
import { readPngText } from '../src/media/png';
import { provenanceFromMp4Tags, provenanceFromPngText, type ProvenanceRecord } from '../src/safety/provenance';
import { detectWatermarkInLuma, meanLumaOfGray, type WatermarkDetection } from '../src/safety/watermark';
import { decodePng } from './pngDecoder';
import { readWholeFile } from './readMedia';

const USAGE = 'usage: npm run check -- FILE [--verbose]   (FILE: .mp4, .mov, .webm, .mkv, .png, .y4m, .jpg, .webp)';
/** Frames read from a video: enough for the detector (it averages at most 64). */
const MAX_FRAMES = 64;
/**
 * Most bytes of luma frames held at once (256 MiB): 64 frames up to 2048×2048, fewer for larger
 * frames (8 at 8K), so a large source never holds gigabytes of frames for one mean.
 */
const MAX_LUMA_BYTES = 256 * 1024 ** 2;
const CONTAINERS = new Set(['mp4', 'm4v', 'mov', 'webm', 'mkv']);

/** The one line `npm run check` prints. */
export interface CheckResult {
  watermark: boolean;
  confidence: number;
  metadata: ProvenanceRecord | null;
}

class UsageError extends Error {}

interface Luma {
  frames: Uint8Array[];
  width: number;
  height: number;
}

/** RGBA frames → 8-bit BT.601 luma frames (the detector only looks at luma). */
function toLuma(rgba: Uint8ClampedArray): Uint8Array {
  const out = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!);
  return out;
}

/** How many frames of width×height fit the detector's needs and MAX_LUMA_BYTES. */
function framesToRead(width: number, height: number): number {
  return Math.max(1, Math.min(MAX_FRAMES, Math.floor(MAX_LUMA_BYTES / (width * height))));
}

async function lumaOfSource(source: FrameSource, path: string): Promise<Luma> {
  if (source.frameCount === 0) throw new Error(`${path} has no frames`);
  const count = Math.min(source.frameCount, framesToRead(source.width, source.height));
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) frames.push(toLuma(await source.frame(Math.floor((i * source.frameCount) / count))));
  return { frames, width: source.width, height: source.height };
}

/**
 * Decodes up to MAX_FRAMES frames (fewer for large frames, framesToRead) of any video or image
 * ffmpeg reads, as grey (luma) frames; the size ffprobe reports is checked before decoding, and
 * ffmpeg's output may not exceed the frames asked for.
 */
function lumaWithFfmpeg(path: string): Luma {
  const probe = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  if (probe.error) throw new Error(`reading .${extname(path).slice(1)} needs ffmpeg and ffprobe on PATH (apt-get install ffmpeg)`);
  const [width = 0, height = 0] = probe.stdout.trim().split(',').map(Number);
  if (probe.status !== 0 || !width || !height) throw new Error(`${path} cannot be read: ${probe.stderr.trim().split('\n')[0] || 'it has no video stream'}`);
  checkSourceSize(width, height, path);
  const count = framesToRead(width, height);
  const decoded = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: count * width * height });
  if (decoded.error) throw new Error(`${path} cannot be decoded: ffmpeg gave more than ${count} frames of ${width}x${height} (${decoded.error.message})`);
  if (decoded.status !== 0) throw new Error(`${path} cannot be decoded: ${decoded.stderr.toString().trim().split('\n')[0] ?? ''}`);
  const size = width * height;
  const frames = Array.from({ length: Math.floor(decoded.stdout.length / size) }, (_, i) => new Uint8Array(decoded.stdout.subarray(i * size, (i + 1) * size)));
  if (frames.length === 0) throw new Error(`${path} has no frames`);
  return { frames, width, height };
}

/** Checks one file: watermark from the pixels, provenance from the container's metadata. */
export async function checkFile(path: string): Promise<{ result: CheckResult; detection: WatermarkDetection }> {
  const type = extname(path).slice(1).toLowerCase();
  let luma: Luma;
  let metadata: ProvenanceRecord | null = null;
  if (type === 'png') {
    const bytes = await readWholeFile(path);
    luma = await lumaOfSource(decodePng(bytes, path), path);
    metadata = provenanceFromPngText(readPngText(bytes));
  } else if (type === 'y4m') {
    luma = await lumaOfSource(decodeY4m(await readWholeFile(path), path), path);
  } else {
    luma = lumaWithFfmpeg(path);
    if (CONTAINERS.has(type)) metadata = await mp4Provenance(path);
  }
  const detection = detectWatermarkInLuma(meanLumaOfGray(luma.frames, luma.width, luma.height), luma.width, luma.height);
  return { result: { watermark: detection.detected, confidence: Number(detection.confidence.toFixed(6)), metadata }, detection };
}

/** The provenance record in a container's tags, read through the file (never whole into memory); null when none or unreadable. */
async function mp4Provenance(path: string): Promise<ProvenanceRecord | null> {
  const input = new Input({ source: new FilePathSource(path), formats: ALL_FORMATS });
  try {
    return provenanceFromMp4Tags(await input.getMetadataTags());
  } catch {
    return null;
  } finally {
    input.dispose();
  }
}

/** Runs the check CLI; resolves to the exit status. */
export async function runCheck(argv: readonly string[], io: { stdout: (line: string) => void; stderr: (line: string) => void }): Promise<number> {
  try {
    const verbose = argv.includes('--verbose');
    const files = argv.filter((a) => a !== '--verbose');
    if (argv.includes('--help')) {
      io.stdout(USAGE);
      return 0;
    }
    if (files.length !== 1 || files[0]!.startsWith('--')) throw new UsageError(files.length === 0 ? 'no FILE given' : `expected one FILE, got: ${files.join(' ')}`);
    const { result, detection } = await checkFile(files[0]!);
    io.stdout(JSON.stringify(result));
    if (verbose) {
      io.stderr(`score F=${detection.score.toFixed(2)} at scale ${detection.scale.toFixed(3)} shift ${detection.shift.join(',')}; ` +
        `corrected p-value e^${detection.logPValue.toFixed(2)}; payload ${detection.payload === undefined ? 'unread' : `0x${detection.payload.toString(16).padStart(8, '0')}`}`);
    }
    return 0;
  } catch (error) {
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) io.stderr(USAGE);
    return error instanceof UsageError ? 2 : 1;
  }
}

const isEntry = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cli/check.ts');
if (isEntry) {
  // `npm run` starts scripts in the package root; a relative FILE means where the user typed.
  if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  process.exitCode = await runCheck(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  });
}
