/**
 * Procedural test clips for the watermark evaluation (none of them made by Tessera's model):
 * - shapes: flat shapes moving over flat backgrounds, drawn at a quarter of the size and upscaled
 *   4x with nearest-neighbour pixels, like Tessera's own output;
 * - camera: a panning fractal scene with vignetting and per-frame sensor noise;
 * - gradient: natural-looking sky/ground gradients with soft drifting blobs;
 * - texture: fine, high-contrast texture panning (the hardest host for a luma watermark);
 * - pattern: stripes and checkerboards of random period (structured content);
 * - dark (measured as a set of its own): the shapes family over black, or over 4×4 blocks of levels 0-2,
 *   like the built-in model's "… on a black background", where the mark has no room below black.
 */

import { mulberry32 } from '../src/pipeline/noise';

/** The standard set, in the order that gives each clip its size and seed. */
export const FAMILIES = ['shapes', 'camera', 'gradient', 'texture', 'pattern'] as const;
export type Family = (typeof FAMILIES)[number] | 'dark';

type Rgb = [number, number, number];

export interface Clip {
  width: number;
  height: number;
  frames: Uint8ClampedArray[];
}

/** Floats in [0, 1) from the pipeline's mulberry32. */
function prng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}

/** Smooth value noise: random values on a lattice of `cell` pixels, smoothstep-interpolated. */
function valueNoise(random: () => number, cell: number): (x: number, y: number) => number {
  const size = 64;
  const lattice = Float32Array.from({ length: size * size }, () => random() * 2 - 1);
  const at = (i: number, j: number) => lattice[(((j % size) + size) % size) * size + (((i % size) + size) % size)]!;
  const smooth = (t: number) => t * t * (3 - 2 * t);
  return (x, y) => {
    const gx = x / cell;
    const gy = y / cell;
    const i = Math.floor(gx);
    const j = Math.floor(gy);
    const fx = smooth(gx - i);
    const fy = smooth(gy - j);
    const top = at(i, j) * (1 - fx) + at(i + 1, j) * fx;
    const bottom = at(i, j + 1) * (1 - fx) + at(i + 1, j + 1) * fx;
    return top * (1 - fy) + bottom * fy;
  };
}

function fractal(random: () => number, cells: number[]): (x: number, y: number) => number {
  const octaves = cells.map((c) => valueNoise(random, c));
  return (x, y) => octaves.reduce((sum, noise, k) => sum + noise(x, y) / (k + 1), 0);
}

const PALETTE: [number, number, number][] = [[220, 40, 40], [40, 180, 60], [40, 80, 220], [240, 220, 40], [250, 140, 30], [150, 60, 200], [245, 245, 245], [15, 15, 15]];

function rgbaFrame(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Uint8ClampedArray {
  const f = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const i = (y * width + x) * 4;
      f[i] = r;
      f[i + 1] = g;
      f[i + 2] = b;
      f[i + 3] = 255;
    }
  }
  return f;
}

/** `background(x, y)`, at the small size, replaces the flat palette colour behind the shapes. */
function shapes(random: () => number, width: number, height: number, frames: number, background?: (x: number, y: number) => Rgb): Uint8ClampedArray[] {
  const factor = Math.min(width, height) >= 128 && width % 4 === 0 && height % 4 === 0 ? 4 : 1;
  const w = width / factor;
  const h = height / factor;
  const pick = () => PALETTE[Math.floor(random() * PALETTE.length)]!;
  const flat = background ? null : pick();
  const objects = Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({
    kind: Math.floor(random() * 3),
    colour: pick(),
    x: random() * w,
    y: random() * h,
    r: (0.12 + random() * 0.12) * Math.min(w, h),
    vx: (random() - 0.5) * 0.12 * w / 4,
    vy: (random() - 0.5) * 0.12 * h / 4,
  }));
  return Array.from({ length: frames }, (_, t) => {
    const small = rgbaFrame(w, h, (x, y) => {
      for (const o of objects) {
        const dx = x + 0.5 - (o.x + o.vx * t);
        const dy = y + 0.5 - (o.y + o.vy * t);
        const inside = o.kind === 0 ? dx * dx + dy * dy < o.r * o.r : o.kind === 1 ? Math.abs(dx) < o.r && Math.abs(dy) < o.r : dy < o.r && dy > -o.r && Math.abs(dx) < (o.r - dy) / 2;
        if (inside) return o.colour;
      }
      return flat ?? background!(x, y);
    });
    if (factor === 1) return small;
    return rgbaFrame(width, height, (x, y) => {
      const i = (Math.floor(y / factor) * w + Math.floor(x / factor)) * 4;
      return [small[i]!, small[i + 1]!, small[i + 2]!];
    });
  });
}

function camera(random: () => number, width: number, height: number, frames: number): Uint8ClampedArray[] {
  const scene = fractal(random, [48, 20, 9, 4]);
  const tint = [0.8 + random() * 0.4, 0.8 + random() * 0.4, 0.8 + random() * 0.4];
  const base = 70 + random() * 100;
  const pan = [(random() - 0.5) * 3, (random() - 0.5) * 2];
  const noise = 2 + random() * 5;
  return Array.from({ length: frames }, (_, t) =>
    rgbaFrame(width, height, (x, y) => {
      const v = base + 60 * scene(x + pan[0]! * t, y + pan[1]! * t);
      const vignette = 1 - 0.35 * (((x / width - 0.5) ** 2 + (y / height - 0.5) ** 2) * 2);
      return [0, 1, 2].map((c) => v * vignette * tint[c]! + gaussian(random) * noise) as [number, number, number];
    }),
  );
}

function gradient(random: () => number, width: number, height: number, frames: number): Uint8ClampedArray[] {
  const top = PALETTE[Math.floor(random() * 6)]!.map((c) => c * 0.6 + 80);
  const bottom = PALETTE[Math.floor(random() * 6)]!.map((c) => c * 0.5 + 40);
  const blobs = Array.from({ length: 3 }, () => ({ x: random() * width, y: random() * height, r: (0.15 + random() * 0.3) * width, a: (random() - 0.5) * 60, v: (random() - 0.5) * 2 }));
  return Array.from({ length: frames }, (_, t) =>
    rgbaFrame(width, height, (x, y) => {
      const k = y / height;
      let light = 0;
      for (const b of blobs) light += b.a * Math.exp(-((x - b.x - b.v * t) ** 2 + (y - b.y) ** 2) / (b.r * b.r));
      return [0, 1, 2].map((c) => top[c]! * (1 - k) + bottom[c]! * k + light + gaussian(random)) as [number, number, number];
    }),
  );
}

function texture(random: () => number, width: number, height: number, frames: number): Uint8ClampedArray[] {
  const fine = fractal(random, [12, 5, 2.5, 1.5]);
  const pan = [(random() - 0.5) * 4, (random() - 0.5) * 4];
  return Array.from({ length: frames }, (_, t) =>
    rgbaFrame(width, height, (x, y) => {
      const v = 128 + 90 * fine(x + pan[0]! * t, y + pan[1]! * t);
      return [v, v * 0.9 + 10, v * 0.8 + 20];
    }),
  );
}

function pattern(random: () => number, width: number, height: number, frames: number): Uint8ClampedArray[] {
  const period = 4 + random() * 28;
  const angle = random() * Math.PI;
  const checker = random() < 0.5;
  const [a, b] = [PALETTE[Math.floor(random() * 8)]!, PALETTE[Math.floor(random() * 8)]!];
  const speed = (random() - 0.5) * 2;
  return Array.from({ length: frames }, (_, t) =>
    rgbaFrame(width, height, (x, y) => {
      const u = (x * Math.cos(angle) + y * Math.sin(angle)) / period + speed * t * 0.1;
      const v = (-x * Math.sin(angle) + y * Math.cos(angle)) / period;
      const on = checker ? (Math.floor(u) + Math.floor(v)) % 2 === 0 : Math.floor(u) % 2 === 0;
      return on ? a : b;
    }),
  );
}

function dark(random: () => number, width: number, height: number, frames: number): Uint8ClampedArray[] {
  const levels = random() < 0.5 ? [0] : [0, 0, 0, 1, 1, 2];
  const grid = Uint8Array.from({ length: width * height }, () => levels[Math.floor(random() * levels.length)]!);
  return shapes(random, width, height, frames, (x, y) => {
    const v = grid[y * width + x]!;
    return [v, v, v];
  });
}

/** One clip of `family`, deterministic in `seed`. */
export function makeClip(family: Family, width: number, height: number, frames: number, seed: number): Clip {
  const random = prng(seed);
  const make = { shapes, camera, gradient, texture, pattern, dark }[family];
  return { width, height, frames: make(random, width, height, frames) };
}
