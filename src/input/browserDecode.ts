/**
 * Uploaded media in the browser (the worker): PNG, JPEG and WebP through `createImageBitmap`, MP4
 * (and WebM, MOV) through mediabunny on WebCodecs, .y4m through the shared TypeScript reader. Frames
 * are taken at the pack's rate and fitted to the model size one at a time (decodedFrames.ts), the
 * same way the CLI does, so an upload gives the same clip in both.
 */
import { CanvasSink } from 'mediabunny';
import type { VideoSize } from '../models/manifest';
import type { RgbaClip } from '../pipeline/fitFrames';
import { collectFrames, fitStream } from './decodedFrames';
import { checkImageHeader } from './imageHeader';
import { checkSourceSize, MAX_SOURCE_FRAMES } from './mediaLimits';
import { MediaInputError, type MediaInputErrorCode, READABLE_FORMATS } from './mediaInputError';
import { withDecodableVideoTrack } from './videoTrack';
import { decodeY4m } from './y4mDecoder';

/** A file as the user gave it. */
export interface MediaFile {
  readonly name: string;
  /** The MIME type the browser reported ('' when unknown). */
  readonly type: string;
  readonly bytes: ArrayBuffer;
}

type Kind = 'image' | 'video' | 'y4m';

/** What a file is, from its MIME type, else its extension, else its first bytes. */
export function mediaKind(file: MediaFile): Kind | null {
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  if (extension === 'y4m' || startsWith(file.bytes, 'YUV4MPEG2')) return 'y4m';
  if (/^image\/(png|jpeg|webp|gif|bmp)$/.test(file.type) || ['png', 'jpg', 'jpeg', 'webp', 'bmp'].includes(extension)) return 'image';
  if (/^video\//.test(file.type) || ['mp4', 'm4v', 'mov', 'webm', 'mkv'].includes(extension)) return 'video';
  return null;
}

/** Decodes `file` at `fps`, fitted to the size `chooseSize` picks for its width and height. Throws MediaInputError. */
export async function decodeMediaFile(file: MediaFile, fps: number, chooseSize: (width: number, height: number) => VideoSize): Promise<RgbaClip> {
  const what = `“${file.name}”`;
  const kind = mediaKind(file);
  if (kind === null) throw new MediaInputError('unsupported-format', `${what} is not a format Tessera reads; give ${READABLE_FORMATS}.`);
  if (kind === 'y4m') return collectFrames(decodeY4m(new Uint8Array(file.bytes), what), fps, chooseSize, what);
  if (kind === 'image') return decodeImage(file, what, chooseSize);
  return decodeVideo(file, what, fps, chooseSize);
}

async function decodeImage(file: MediaFile, what: string, chooseSize: (width: number, height: number) => VideoSize): Promise<RgbaClip> {
  checkImageHeader(new Uint8Array(file.bytes), what);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([file.bytes], file.type ? { type: file.type } : {}));
  } catch {
    throw new MediaInputError('unreadable', `${what} cannot be read as an image; it may be damaged or in a format this browser cannot open (use PNG, JPEG or WebP).`);
  }
  try {
    checkSourceSize(bitmap.width, bitmap.height, what);
    const rgba = pixelsOf(bitmap, bitmap.width, bitmap.height);
    return await fitStream(once(rgba), bitmap.width, bitmap.height, chooseSize(bitmap.width, bitmap.height), 1, what);
  } finally {
    bitmap.close();
  }
}

async function decodeVideo(file: MediaFile, what: string, fps: number, chooseSize: (width: number, height: number) => VideoSize): Promise<RgbaClip> {
  const options = {
    fail: (code: MediaInputErrorCode, message: string) => new MediaInputError(code, message),
    decoderAdvice: 'convert it to H.264 MP4 or use a .y4m file',
  };
  return withDecodableVideoTrack(file.bytes, what, options, async (track, _input, { width, height, start, end }) => {
    const count = Math.max(1, Math.round((end - start) * fps));
    if (count > MAX_SOURCE_FRAMES) throw new MediaInputError('too-large', `${what} is ${count} frames at ${fps} fps; Tessera takes at most ${MAX_SOURCE_FRAMES} (${MAX_SOURCE_FRAMES / fps} s). Trim it first.`);
    const sink = new CanvasSink(track, { width, height, fit: 'fill' });
    const timestamps = Array.from({ length: count }, (_, i) => start + i / fps);
    async function* frames(): AsyncGenerator<Uint8ClampedArray> {
      for await (const wrapped of sink.canvasesAtTimestamps(timestamps)) {
        if (wrapped) yield pixelsOf(wrapped.canvas, width, height);
      }
    }
    return await fitStream(frames(), width, height, chooseSize(width, height), fps, what);
  });
}

/** RGBA bytes of an image or canvas, through an OffscreenCanvas (available in workers). */
function pixelsOf(image: CanvasImageSource, width: number, height: number): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new MediaInputError('decoder-missing', 'This browser offers no 2D canvas to read image pixels.');
  context.drawImage(image, 0, 0, width, height);
  return context.getImageData(0, 0, width, height).data;
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}

function startsWith(bytes: ArrayBuffer, text: string): boolean {
  const head = new Uint8Array(bytes, 0, Math.min(bytes.byteLength, text.length));
  return String.fromCharCode(...head) === text;
}
