/** A single frame → PNG, with text metadata chunks. */

/** Encodes one RGBA image as PNG (OffscreenCanvas, so it runs in a worker). */
export async function encodePng(rgba: Uint8ClampedArray, width: number, height: number, text: Readonly<Record<string, string>> = {}): Promise<ArrayBuffer> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D context for PNG encoding');
  context.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return addPngText(new Uint8Array(await blob.arrayBuffer()), text).buffer as ArrayBuffer;
}

/**
 * Inserts `iTXt` chunks (UTF-8 keyword/value pairs, uncompressed) right after IHDR. Keywords are
 * 1-79 Latin-1 characters; the value may be any UTF-8 text.
 */
export function addPngText(png: Uint8Array, text: Readonly<Record<string, string>>): Uint8Array {
  const entries = Object.entries(text);
  if (entries.length === 0) return png;
  const ihdrEnd = 8 + 8 + readUint32(png, 8) + 4;
  const chunks = entries.map(([keyword, value]) => {
    if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new RangeError(`PNG keyword ${JSON.stringify(keyword)} is not 1-79 printable ASCII characters`);
    const encoder = new TextEncoder();
    // keyword \0 compression-flag(0) compression-method(0) language-tag \0 translated-keyword \0 text
    const data = concat([encoder.encode(keyword), Uint8Array.of(0, 0, 0, 0, 0), encoder.encode(value)]);
    return pngChunk('iTXt', data);
  });
  return concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)]);
}

/**
 * Most text chunks read from one PNG (64): Tessera writes two, and a file of thousands would
 * otherwise build an object of thousands of keys.
 */
export const MAX_PNG_TEXT_CHUNKS = 64;
/**
 * Largest text chunk read (1 MiB): a provenance record with its prompts is a few kilobytes; larger
 * chunks are skipped, not decoded.
 */
export const MAX_PNG_TEXT_BYTES = 1024 ** 2;

/**
 * Reads the uncompressed tEXt/iTXt chunks of a PNG as keyword → text: at most MAX_PNG_TEXT_CHUNKS
 * of them, each at most MAX_PNG_TEXT_BYTES (others are skipped). Compressed text is never
 * inflated. Never throws: a cut or malformed file gives what could be read.
 */
export function readPngText(png: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const decoder = new TextDecoder();
  let textChunks = 0;
  for (let at = 8; at + 8 <= png.length && textChunks < MAX_PNG_TEXT_CHUNKS; ) {
    const length = readUint32(png, at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    at += 12 + length;
    if ((type !== 'tEXt' && type !== 'iTXt') || length > MAX_PNG_TEXT_BYTES) continue;
    textChunks++;
    const zero = data.indexOf(0);
    if (type === 'tEXt' && zero > 0) out[decoder.decode(data.subarray(0, zero))] = decoder.decode(data.subarray(zero + 1));
    if (type === 'iTXt' && zero > 0 && data[zero + 1] === 0) {
      const languageEnd = data.indexOf(0, zero + 3);
      const translatedEnd = data.indexOf(0, languageEnd + 1);
      out[decoder.decode(data.subarray(0, zero))] = decoder.decode(data.subarray(translatedEnd + 1));
    }
  }
  return out;
}

/** One PNG chunk: big-endian length, the 4-letter type, the data, and the CRC-32 of type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309), as PNG chunks use. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
