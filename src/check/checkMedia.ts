/**
 * The check worker's job: decode a picked or dropped file (videos with mediabunny on WebCodecs,
 * images with createImageBitmap), look for Tessera's watermark in the mean luma of up to 64 evenly
 * spaced frames (src/safety/watermark.ts, the same detector as `npm run check`), and read the
 * provenance record from the MP4/WebM `comment` tag or the PNG `tessera` chunk. Runs in a worker:
 * it needs OffscreenCanvas, and detection takes a few hundred milliseconds.
 */
import { CanvasSink } from 'mediabunny';
import { checkImageHeader } from '../input/imageHeader';
import { MediaInputError } from '../input/mediaInputError';
import { withDecodableVideoTrack } from '../input/videoTrack';
import { readPngText } from '../media/png';
import { provenanceFromMp4Tags, provenanceFromPngText } from '../safety/provenance';
import { detectWatermarkInLuma } from '../safety/watermark';
import type { CheckErrorCode, CheckFile, CheckOutcome, CheckReport } from './checkProtocol';

/** The detector averages at most this many frames (as `npm run check` reads them). */
const MAX_FRAMES = 64;
/**
 * Frames whose shorter side is larger are decoded scaled down to it: the detector shrinks them to
 * its 128-pixel plane anyway, and a 4K clip would otherwise cost 33 MB per frame.
 */
const MAX_DECODE_SIDE = 720;
/** Below this the detector's plane has too few pixels to say anything. */
const MIN_CHECK_SIDE = 16;
const FORMATS = 'MP4, WebM or MOV videos, or PNG, JPEG or WebP images';

class CheckError extends Error {
  constructor(
    readonly code: CheckErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Checks one file; expected failures come back as `{ok: false, code, message}`. */
export async function checkMedia(file: CheckFile): Promise<CheckOutcome> {
  try {
    return { ok: true, report: await checkOrThrow(file) };
  } catch (error) {
    if (error instanceof CheckError) return { ok: false, code: error.code, message: error.message };
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, code: 'unreadable', message: `“${file.name}” could not be read to the end (${reason}); it may be damaged.` };
  }
}

async function checkOrThrow(file: CheckFile): Promise<CheckReport> {
  const what = `“${file.name}”`;
  if (file.bytes.byteLength === 0) throw new CheckError('unreadable', `${what} is empty.`);
  const kind = kindOf(file);
  if (kind === null) throw new CheckError('unsupported-format', `${what} is not a file the check reads; choose ${FORMATS}.`);
  return kind === 'video' ? checkVideo(file, what) : checkImage(file, what);
}

/** What a file is, from its first bytes, else its MIME type, else its extension. */
function kindOf(file: CheckFile): 'video' | 'image' | null {
  const head = new Uint8Array(file.bytes, 0, Math.min(12, file.bytes.byteLength));
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image';
  if (ascii(4, 8) === 'ftyp') return 'video';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'video';
  if (/^image\/(png|jpeg|webp)$/.test(file.type)) return 'image';
  if (/^video\//.test(file.type)) return 'video';
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  if (['png', 'jpg', 'jpeg', 'webp'].includes(extension)) return 'image';
  if (['mp4', 'm4v', 'mov', 'webm', 'mkv'].includes(extension)) return 'video';
  return null;
}

async function checkImage(file: CheckFile, what: string): Promise<CheckReport> {
  withinLimits(() => checkImageHeader(new Uint8Array(file.bytes), what));
  let bitmap: ImageBitmap;
  try {
    // Raw pixels: no colour management, no premultiplied alpha (Tessera's PNGs are opaque sRGB).
    bitmap = await createImageBitmap(new Blob([file.bytes], file.type ? { type: file.type } : {}), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new CheckError('unreadable', `${what} cannot be read as an image; it may be damaged or in a format this browser cannot open (use PNG, JPEG or WebP).`);
  }
  const head = new Uint8Array(file.bytes, 0, Math.min(8, file.bytes.byteLength));
  const isPng = head[0] === 0x89 && String.fromCharCode(...head.subarray(1, 4)) === 'PNG';
  try {
    const { width, height } = decodeSize(bitmap.width, bitmap.height);
    const mean = new LumaMean(width, height);
    mean.add(pixelsOf(bitmap, width, height));
    const metadata = isPng ? provenanceFromPngText(readPngText(new Uint8Array(file.bytes))) : null;
    return report('image', mean, metadata);
  } finally {
    bitmap.close();
  }
}

async function checkVideo(file: CheckFile, what: string): Promise<CheckReport> {
  const options = {
    fail: (code: CheckErrorCode, message: string) => new CheckError(code, message),
    decoderAdvice: 'try Chrome or Edge, or `npm run check` on a computer',
  };
  return withDecodableVideoTrack(file.bytes, what, options, async (track, input, header) => {
    const metadata = await input
      .getMetadataTags()
      .then(provenanceFromMp4Tags)
      .catch(() => null);
    const { start, end } = header;
    const { width, height } = decodeSize(header.width, header.height);
    const { packetCount } = await track.computePacketStats();
    // Evenly spaced, each in the middle of its share of the clip: every frame once for a short clip.
    const count = Math.max(1, Math.min(MAX_FRAMES, packetCount));
    const timestamps = Array.from({ length: count }, (_, i) => start + ((i + 0.5) * Math.max(0, end - start)) / count);
    const sink = new CanvasSink(track, { width, height, fit: 'fill', poolSize: 1 });
    const mean = new LumaMean(width, height);
    for await (const wrapped of sink.canvasesAtTimestamps(timestamps)) {
      if (wrapped) mean.add(pixelsOf(wrapped.canvas, width, height));
    }
    if (mean.count === 0) throw new CheckError('unreadable', `${what} has no frames this browser could decode.`);
    return report('video', mean, metadata);
  });
}

function report(kind: 'video' | 'image', mean: LumaMean, metadata: CheckReport['metadata']): CheckReport {
  const { width, height } = mean;
  if (Math.min(width, height) < MIN_CHECK_SIDE) {
    return { kind, width, height, framesChecked: mean.count, watermark: false, confidence: 0, payload: null, metadata };
  }
  const detection = detectWatermarkInLuma(mean.mean(), width, height);
  return {
    kind,
    width,
    height,
    framesChecked: mean.count,
    watermark: detection.detected,
    confidence: detection.confidence,
    payload: detection.payload ?? null,
    metadata,
  };
}

/** Runs a size check of src/input/mediaLimits.ts, rethrowing its refusal as a CheckError with the same code. */
function withinLimits(check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (error instanceof MediaInputError && (error.code === 'too-large' || error.code === 'unreadable')) throw new CheckError(error.code, error.message);
    throw error;
  }
}

/** The decode size: the file's own, or scaled so the shorter side is `MAX_DECODE_SIDE`. */
function decodeSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, MAX_DECODE_SIDE / Math.min(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Running mean of BT.601 luma over frames (what `meanLumaOfRgba` computes, without keeping the frames). */
class LumaMean {
  count = 0;
  private readonly sum: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.sum = new Float32Array(width * height);
  }

  add(rgba: Uint8ClampedArray): void {
    const { sum } = this;
    for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
    this.count++;
  }

  mean(): Float32Array {
    return this.sum.map((value) => value / this.count);
  }
}

let scratch: OffscreenCanvasRenderingContext2D | null = null;

/** RGBA bytes of an image or canvas drawn at width×height, through one reused OffscreenCanvas. */
function pixelsOf(image: CanvasImageSource, width: number, height: number): Uint8ClampedArray {
  if (!scratch || scratch.canvas.width !== width || scratch.canvas.height !== height) {
    scratch = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!scratch) throw new CheckError('decoder-missing', 'This browser offers no 2D canvas to read pixels.');
  }
  scratch.imageSmoothingQuality = 'high';
  scratch.drawImage(image, 0, 0, width, height);
  return scratch.getImageData(0, 0, width, height).data;
}
