/**
 * YUV4MPEG2 (.y4m), the uncompressed format every video tool reads. 4:4:4 keeps the colour of every
 * pixel of the tiny frames; RGB → YCbCr uses BT.601 limited range, which players assume for y4m.
 */
import type { Frames } from '../src/media/upscale';

/** BT.601 studio-swing RGB → Y, Cb, Cr planes of one frame. */
function toYuv444(rgba: Uint8ClampedArray, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const r = rgba[p * 4]!;
    const g = rgba[p * 4 + 1]!;
    const b = rgba[p * 4 + 2]!;
    out[p] = Math.round(16 + 0.256788 * r + 0.504129 * g + 0.097906 * b);
    out[pixels + p] = Math.round(128 - 0.148223 * r - 0.290993 * g + 0.439216 * b);
    out[2 * pixels + p] = Math.round(128 + 0.439216 * r - 0.367788 * g - 0.071427 * b);
  }
  return out;
}

/** Encodes frames as a .y4m file at `fps` (a whole number of frames per second). */
export function encodeY4m(video: Frames, fps: number): Buffer {
  const pixels = video.width * video.height;
  const parts: Uint8Array[] = [Buffer.from(`YUV4MPEG2 W${video.width} H${video.height} F${Math.round(fps)}:1 Ip A1:1 C444 XCOLORRANGE=LIMITED\n`, 'latin1')];
  for (const frame of video.frames) {
    parts.push(Buffer.from('FRAME\n', 'latin1'), toYuv444(frame, pixels));
  }
  return Buffer.concat(parts);
}
