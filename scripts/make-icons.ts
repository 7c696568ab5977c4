/**
 * Writes the app's PNG icons into public/icons/: a 3×3 mosaic of coloured tiles (a tessera is one
 * mosaic tile) on the app's dark background. `npx tsx scripts/make-icons.ts` regenerates them; the
 * output is committed, so the build needs no image tool.
 *
 * "any" icons fill 80% of the square with the mosaic; the maskable icon keeps it inside the central
 * 56%, within the 80%-diameter safe circle that launchers may crop to.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { pngChunk } from '../src/media/png';

/** The manifest's background and theme colour. */
export const ICON_BACKGROUND = [0x16, 0x17, 0x1a] as const;
const TILES: readonly (readonly [number, number, number])[] = [
  [0xe0, 0x3e, 0x3e], [0xf2, 0xb7, 0x05], [0x3b, 0x5b, 0xdb],
  [0x2f, 0x9e, 0x44], [0x7c, 0x93, 0xff], [0xe0, 0x3e, 0x3e],
  [0x9c, 0x36, 0xb5], [0x3b, 0x5b, 0xdb], [0xf2, 0xb7, 0x05],
];

interface IconSpec {
  readonly file: string;
  readonly size: number;
  /** Fraction of the side the mosaic spans. */
  readonly mosaic: number;
}

const ICONS: readonly IconSpec[] = [
  { file: 'icon-192.png', size: 192, mosaic: 0.8 },
  { file: 'icon-512.png', size: 512, mosaic: 0.8 },
  { file: 'maskable-512.png', size: 512, mosaic: 0.56 },
  { file: 'apple-touch-icon-180.png', size: 180, mosaic: 0.7 },
  { file: 'favicon-32.png', size: 32, mosaic: 0.94 },
];

/** RGB pixels of one icon. */
function drawIcon({ size, mosaic }: IconSpec): Uint8Array {
  const rgb = new Uint8Array(size * size * 3);
  const span = size * mosaic;
  const origin = (size - span) / 2;
  const cell = span / 3;
  const gap = Math.max(1, cell * 0.08);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let colour: readonly number[] = ICON_BACKGROUND;
      const cx = Math.floor((x + 0.5 - origin) / cell);
      const cy = Math.floor((y + 0.5 - origin) / cell);
      if (cx >= 0 && cx < 3 && cy >= 0 && cy < 3) {
        const inX = x + 0.5 - origin - cx * cell;
        const inY = y + 0.5 - origin - cy * cell;
        if (inX > gap / 2 && inX < cell - gap / 2 && inY > gap / 2 && inY < cell - gap / 2) colour = TILES[cy * 3 + cx]!;
      }
      rgb.set(colour, (y * size + x) * 3);
    }
  }
  return rgb;
}

/** An 8-bit RGB PNG (colour type 2), filter 0 on every row. */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const raw = new Uint8Array(height * (width * 3 + 1));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8);
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw, { level: 9 })), pngChunk('IEND', new Uint8Array(0))]);
}

const dir = join(import.meta.dirname, '..', 'public', 'icons');
mkdirSync(dir, { recursive: true });
for (const icon of ICONS) {
  const png = encodeRgbPng(drawIcon(icon), icon.size, icon.size);
  writeFileSync(join(dir, icon.file), png);
  console.info(`${icon.file}: ${icon.size}×${icon.size}, ${png.length} bytes`);
}
