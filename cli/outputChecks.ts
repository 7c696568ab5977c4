/**
 * Checks on `--out` made before the model is loaded, so that a mistake costs nothing: the file can be
 * written where it is asked for, and the upscaled output fits the CLI's memory budget.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatBytes } from '../src/lib/formatBytes';
import { UsageError } from './args';

/**
 * The most RGBA bytes (width·scale × height·scale × 4 × frames) one output may hold. The CLI keeps
 * every upscaled frame in memory and the writers copy them again (watermark, contact sheet, y4m
 * planes): at this budget's edge (33 frames at --scale 33, 258 MB) the process peaked at 0.9 GB
 * writing .mp4, 1.2 GB writing .y4m and 2.6 GB writing .png, within a laptop's memory (--scale 64
 * had taken 8.8 GB). It is 70× what the default --scale 4 needs for the pack's largest clip
 * (33 frames of 224×128).
 */
export const MAX_OUTPUT_RGBA_BYTES = 256 * 2 ** 20;

/** The model's frame size and the number of frames written, before upscaling. */
export interface OutputShape {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
}

/**
 * Refuses an `--out` whose folder is missing, is not a folder or cannot be written, and an `--out`
 * that is itself a folder. Throws UsageError (exit status 2).
 */
export async function checkOutputPath(out: string): Promise<void> {
  const path = resolve(out);
  const folder = dirname(path);
  const where = `--out ${JSON.stringify(out)}`;
  const folderInfo = await stat(folder).catch(() => null);
  if (!folderInfo) throw new UsageError(`${where}: the folder ${folder} does not exist; create it first or write somewhere else`);
  if (!folderInfo.isDirectory()) throw new UsageError(`${where}: ${folder} is a file, not a folder; choose a path inside a folder`);
  if ((await stat(path).catch(() => null))?.isDirectory()) throw new UsageError(`${where} is a folder; name a file in it, such as ${resolve(path, 'clip.mp4')}`);
  await access(folder, constants.W_OK).catch(() => {
    throw new UsageError(`${where}: the folder ${folder} cannot be written to; choose a folder you can write to`);
  });
}

/** RGBA bytes of `shape` upscaled by `scale`. */
export function outputRgbaBytes(shape: OutputShape, scale: number): number {
  return shape.width * scale * shape.height * scale * 4 * shape.frames;
}

/**
 * Refuses a `--scale` whose output would pass MAX_OUTPUT_RGBA_BYTES, naming the largest scale that
 * fits. Throws UsageError (exit status 2).
 */
export function checkOutputBudget(shape: OutputShape, scale: number): void {
  const bytes = outputRgbaBytes(shape, scale);
  if (bytes <= MAX_OUTPUT_RGBA_BYTES) return;
  const largest = Math.floor(Math.sqrt(MAX_OUTPUT_RGBA_BYTES / outputRgbaBytes(shape, 1)));
  const asked = `--scale ${scale} makes ${shape.frames} frame${shape.frames === 1 ? '' : 's'} of ${shape.width * scale}x${shape.height * scale}`;
  const instead = largest >= 1 ? `use --scale ${largest} or less, or fewer frames` : 'use fewer frames or shorter input clips';
  throw new UsageError(`${asked}: ${formatBytes(bytes)} of RGBA, over the ${formatBytes(MAX_OUTPUT_RGBA_BYTES)} the CLI holds in memory; ${instead}`);
}
