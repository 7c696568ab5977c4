/**
 * Peak memory of the two memory plans (manifest `runtime.memoryPlan`) on onnxruntime-node: each
 * plan of each pack in a fresh process (memoryPlanChild.ts), in turn, `rounds` times, so the medians
 * compare like with like on a shared machine.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MEMORY_PLANS } from '../src/models/manifest';
import type { PlanMemory } from './memoryPlanChild';

export type { PlanMemory };

/** Every plan of the pack in `packDir`, `rounds` processes each, plans alternating. */
export function measureMemoryPlans(root: string, packDir: string, rounds: number): PlanMemory[] {
  const results: PlanMemory[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const plan of MEMORY_PLANS) {
      const child = spawnSync('npx', ['tsx', join(root, 'bench', 'memoryPlanChild.ts'), packDir, plan], { cwd: root, encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`memory plan ${plan} failed (status ${child.status}): ${child.stderr.trim().split('\n').at(-1) ?? ''}`);
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      results.push(JSON.parse(line) as PlanMemory);
    }
  }
  return results;
}
