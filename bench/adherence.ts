/**
 * Held-out adherence of a pack (P5): the held-out scenes of training/world.py made by the shipped
 * pipeline on onnxruntime-node and scored by training/evaluate.py. Same clips, seeds and settings
 * as `evaluate.py --pack DIR` (which starts `npx tsx cli/generate.ts` once per scene); here they
 * are made in this process, then `evaluate.py --clips DIR` scores them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NativePack, writeHeldOutClips } from './native';

export const PYTHON = process.env.TESSERA_PYTHON ?? '/usr/bin/python3';

export interface CategoryScore {
  readonly passed: number;
  readonly total: number;
  readonly rate: number;
}

export interface AdherenceResult {
  readonly scenes: number;
  readonly steps: number;
  readonly guidance: number;
  /** Pass rate per category (colour, shape, direction, …) as scoring.summarise gives it. */
  readonly categories: Readonly<Record<string, CategoryScore>>;
  /** Mean of the category pass rates. */
  readonly meanRate: number;
  readonly seconds: number;
}

/** Whether the Python side (torch + training/) is usable here. */
export function canScore(root: string): boolean {
  if (!existsSync(PYTHON) || !existsSync(join(root, 'training', 'evaluate.py'))) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** The held-out captions, in the order evaluate.py uses. */
export function heldOutCaptions(root: string): string[] {
  const json = execFileSync(PYTHON, ['-c', 'import json, world; print(json.dumps([world.canonical_caption(s) for s in world.held_out_specs()]))'], {
    cwd: join(root, 'training'),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return JSON.parse(json) as string[];
}

/** Makes and scores the first `scenes` held-out clips (all 64 = exactly what evaluate.py reports). */
export async function measureAdherence(root: string, pack: NativePack, captions: readonly string[], scenes: number, steps = 20, guidance = 4): Promise<AdherenceResult> {
  const started = performance.now();
  const folder = mkdtempSync(join(tmpdir(), 'tessera-bench-clips-'));
  try {
    const chosen = captions.slice(0, scenes);
    await writeHeldOutClips(pack, chosen, folder, steps, guidance);
    const categories = scoreClips(root, folder, chosen.length, captions.length);
    const rates = Object.values(categories).map((c) => c.rate);
    return {
      scenes: chosen.length,
      steps,
      guidance,
      categories,
      meanRate: rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function scoreClips(root: string, folder: string, count: number, all: number): Record<string, CategoryScore> {
  const training = join(root, 'training');
  if (count === all) {
    const out = JSON.parse(execFileSync(PYTHON, ['evaluate.py', '--clips', folder], { cwd: training, encoding: 'utf8', timeout: 600_000 })) as Record<string, Record<string, CategoryScore>>;
    return Object.values(out)[0]!;
  }
  // A subset: score_clip_folder's steps for the first `count` scenes only, at the decoded size as it scores.
  const script = [
    'import json, os, sys, evaluate, scoring, world',
    'folder, k = sys.argv[1], int(sys.argv[2])',
    'specs = world.held_out_specs()[:k]',
    'clips = [evaluate.read_y4m(os.path.join(folder, f"{i}.y4m")) for i in range(k)]',
    'print(json.dumps(scoring.summarise([scoring.score(c, s) for c, s in zip(clips, specs)])))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, folder, String(count)], { cwd: training, encoding: 'utf8', timeout: 600_000 })) as Record<string, CategoryScore>;
}
