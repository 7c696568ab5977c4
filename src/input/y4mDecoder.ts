/**
 * YUV4MPEG2 (.y4m) reader, pure TypeScript so the CLI and the browser read the same bytes the same
 * way. 8-bit 4:2:0 (every chroma siting), 4:2:2, 4:4:4 and mono; BT.601, limited range unless the
 * header says XCOLORRANGE=FULL. Interlacing flags are ignored (frames are read as progressive).
 */
import type { FrameSource } from './decodedFrames';
import { MediaInputError } from './mediaInputError';
import { checkSourceSize, MAX_FILE_FRAMES, MAX_Y4M_HEADER_BYTES } from './mediaLimits';

interface Layout {
  /** Chroma subsampling: horizontal and vertical factors; 0 = no chroma planes. */
  readonly sx: number;
  readonly sy: number;
}

const LAYOUTS: Record<string, Layout> = {
  '420': { sx: 2, sy: 2 },
  '420jpeg': { sx: 2, sy: 2 },
  '420mpeg2': { sx: 2, sy: 2 },
  '420paldv': { sx: 2, sy: 2 },
  '422': { sx: 2, sy: 1 },
  '444': { sx: 1, sy: 1 },
  mono: { sx: 0, sy: 0 },
};

/**
 * Parses a .y4m file; frames are converted to RGBA on demand. The header's size is checked
 * (checkSourceSize) before frames are counted, and counting stops past MAX_FILE_FRAMES. Throws
 * MediaInputError: 'too-large' over the limits, 'unreadable' for a broken, cut or unsupported file.
 */
export function decodeY4m(bytes: Uint8Array, what = 'the .y4m file'): FrameSource {
  const headerEnd = bytes.subarray(0, MAX_Y4M_HEADER_BYTES).indexOf(0x0a);
  const header = headerEnd > 0 ? new TextDecoder('latin1').decode(bytes.subarray(0, headerEnd)) : '';
  if (headerEnd === -1 && startsWithText(bytes, 'YUV4MPEG2 ')) {
    throw new MediaInputError('unreadable', `${what} has no end to its header line within ${MAX_Y4M_HEADER_BYTES} bytes; it is cut or not a Y4M file`);
  }
  if (!header.startsWith('YUV4MPEG2 ')) throw new MediaInputError('unreadable', `${what} is not a Y4M file (it does not start with "YUV4MPEG2")`);
  const fields = new Map(header.split(' ').slice(1).map((f) => [f[0]!, f.slice(1)] as const));
  const extensions = header.split(' ').filter((f) => f.startsWith('X'));
  const width = Number(fields.get('W'));
  const height = Number(fields.get('H'));
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) throw new MediaInputError('unreadable', `${what} has no valid W and H in its header`);
  checkSourceSize(width, height, what);
  const colour = fields.get('C') ?? '420jpeg';
  const layout = LAYOUTS[colour];
  if (!layout) throw new MediaInputError('unreadable', `${what} uses colour space C${colour}; Tessera reads 8-bit C420, C422, C444 and Cmono`);
  const [num, den] = (fields.get('F') ?? '').split(':').map(Number);
  const fps = num && den ? num / den : null;
  const full = extensions.includes('XCOLORRANGE=FULL');

  const chromaW = layout.sx ? Math.ceil(width / layout.sx) : 0;
  const chromaH = layout.sy ? Math.ceil(height / layout.sy) : 0;
  const frameBytes = width * height + 2 * chromaW * chromaH;
  const offsets: number[] = [];
  let at = headerEnd + 1;
  while (at < bytes.length) {
    const lineEnd = bytes.indexOf(0x0a, at);
    if (lineEnd === -1 || bytes[at] !== 0x46 /* F */) throw new MediaInputError('unreadable', `${what} is cut or corrupt after frame ${offsets.length}`);
    const start = lineEnd + 1;
    if (start + frameBytes > bytes.length) throw new MediaInputError('unreadable', `${what} ends in the middle of frame ${offsets.length}`);
    if (offsets.length === MAX_FILE_FRAMES) {
      throw new MediaInputError('too-large', `${what} holds more than ${MAX_FILE_FRAMES} frames; Tessera reads at most ${MAX_FILE_FRAMES} from a .y4m file. Trim it first.`);
    }
    offsets.push(start);
    at = start + frameBytes;
  }

  return {
    width,
    height,
    fps,
    frameCount: offsets.length,
    frame(index: number): Uint8ClampedArray {
      const base = offsets[index]!;
      const rgba = new Uint8ClampedArray(width * height * 4);
      const uBase = base + width * height;
      const vBase = uBase + chromaW * chromaH;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const Y = bytes[base + y * width + x]!;
          const c = layout.sx ? Math.floor(y / layout.sy) * chromaW + Math.floor(x / layout.sx) : -1;
          const U = c >= 0 ? bytes[uBase + c]! : 128;
          const V = c >= 0 ? bytes[vBase + c]! : 128;
          const p = (y * width + x) * 4;
          const [r, g, b] = full ? fullRange(Y, U, V) : limitedRange(Y, U, V);
          rgba[p] = r;
          rgba[p + 1] = g;
          rgba[p + 2] = b;
          rgba[p + 3] = 255;
        }
      }
      return rgba;
    },
  };
}

function startsWithText(bytes: Uint8Array, text: string): boolean {
  return bytes.length >= text.length && [...text].every((char, i) => bytes[i] === char.charCodeAt(0));
}

/** BT.601 studio swing (Y 16–235, C 16–240) → RGB; the inverse of what cli/y4m.ts writes. */
function limitedRange(Y: number, U: number, V: number): [number, number, number] {
  const y = 1.164383 * (Y - 16);
  const u = U - 128;
  const v = V - 128;
  return [Math.round(y + 1.596027 * v), Math.round(y - 0.391762 * u - 0.812968 * v), Math.round(y + 2.017232 * u)];
}

/** BT.601 full swing (JPEG) → RGB. */
function fullRange(Y: number, U: number, V: number): [number, number, number] {
  const u = U - 128;
  const v = V - 128;
  return [Math.round(Y + 1.402 * v), Math.round(Y - 0.344136 * u - 0.714136 * v), Math.round(Y + 1.772 * u)];
}
