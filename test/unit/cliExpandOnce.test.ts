/**
 * `npm run generate --expand` expands the prompt once per generation, through the pack's
 * architecture, and the policy refuses a prompt before the model loads and before the other checks
 * of the request (a spy on the node runner's graph runs proves no graph ran).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runGenerate, scratchDir } from '../fixtures/generateCli';

const expansions = vi.hoisted(() => vi.fn<(prompt: string) => void>());
const graphRuns = vi.hoisted(() => vi.fn<(role: string) => void>());

vi.mock('../../src/architectures/tessera-tiny/promptExpansion', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/architectures/tessera-tiny/promptExpansion')>();
  return { ...actual, expandPrompt: (prompt: string) => (expansions(prompt), actual.expandPrompt(prompt)) };
});

vi.mock('../../src/runtime/nodeRunner', async (importOriginal) => (await import('../fixtures/spiedNodeRunner')).spiedNodeRunner(importOriginal, graphRuns));

const dir = scratchDir('tessera-cli-expand-');

beforeEach(() => {
  expansions.mockClear();
  graphRuns.mockClear();
});

describe('npm run generate --expand', () => {
  it('expands the prompt once for a generation, and samples from that caption', async () => {
    const out = join(dir, 'once.png');
    const result = await runGenerate('--prompt', 'crimson ball goes left', '--expand', '--frames', '1', '--steps', '1', '--seed', '0', '--scale', '1', '--out', out);
    expect(result.status).toBe(0);
    expect(expansions.mock.calls).toEqual([['crimson ball goes left']]);
    expect(result.stderr).toContain('caption: a red circle moving left on a black background');
    expect(existsSync(out)).toBe(true);
    // The spy sees the graphs a generation runs, so its silence in the refusals below means something.
    expect(graphRuns).toHaveBeenCalledWith('dit');
  });

  it('exits 3 for a refused prompt before loading the model, even with an --out it could not write', async () => {
    const result = await runGenerate('--prompt', 'a man st@bbing his neighbour', '--expand', '--out', join(dir, 'missing', 'x.png'));
    expect(result.status).toBe(3);
    expect(result.stderr).toEqual([expect.stringMatching(/^error: This prompt asks for violent or gory content/)]);
    expect(graphRuns).not.toHaveBeenCalled();
  });

  it('--expand alone refuses a refused prompt with status 3 and prints no caption', async () => {
    const result = await runGenerate('--prompt', 'a man st@bbing his neighbour', '--expand');
    expect(result).toMatchObject({ status: 3, stdout: [] });
    expect(expansions).toHaveBeenCalledTimes(1);
  });
});
