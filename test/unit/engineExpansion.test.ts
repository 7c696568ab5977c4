/**
 * The engine's caption preview (`expandPrompt`) is the loaded pack's architecture's: refused before
 * a pack loads, tessera-tiny's expansion once it has, and refused with its reason (and told to the
 * page in PackInfo) for an architecture that offers none.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../../cli/run';
import { expandPrompt } from '../../src/architectures/tessera-tiny/promptExpansion';
import { Engine } from '../../src/engine/engine';
import { isEngineError } from '../../src/engine/errors';
import type { Architecture } from '../../src/pipeline/architecture';
import { nodeEnginePlatform } from '../fixtures/nodeEnginePlatform';

/** When on, the registry's architectures come without their expansion (a family that has none). */
const withoutExpansion = vi.hoisted(() => ({ on: false }));

vi.mock('../../src/architectures/registry', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/architectures/registry')>();
  return {
    createArchitecture: (...args: Parameters<typeof actual.createArchitecture>): Architecture => {
      const architecture = actual.createArchitecture(...args);
      return withoutExpansion.on ? (Object.fromEntries(Object.entries(architecture).filter(([key]) => key !== 'expandPrompt')) as Architecture) : architecture;
    },
  };
});

const PROMPT = 'crimson ball goes left, sparkly';

async function refusal(promise: Promise<unknown>): Promise<{ code: string; field: string | undefined; message: string }> {
  const error = await promise.then(
    () => expect.unreachable('expected a refusal'),
    (e: unknown) => e,
  );
  if (!isEngineError(error)) throw error;
  return { code: error.code, field: error.field, message: error.message };
}

describe('Engine.expandPrompt', () => {
  it('is refused before a pack is loaded, then is the built-in pack’s expansion', async () => {
    withoutExpansion.on = false;
    const engine = new Engine(nodeEnginePlatform());
    expect(await refusal(engine.expandPrompt(PROMPT))).toMatchObject({ code: 'not-ready' });
    const info = await engine.init({ pack: { kind: 'url', url: DEFAULT_MODEL_DIR }, backend: 'wasm' });
    expect(info.pack.promptExpansion).toBe(true);
    const expansion = await engine.expandPrompt(PROMPT);
    expect(expansion).toEqual(expandPrompt(PROMPT));
    expect(expansion.caption).toBe('a red circle moving left on a black background');
  });

  it('is refused, naming the pack, when its architecture offers no expansion; PackInfo says so', async () => {
    withoutExpansion.on = true;
    const engine = new Engine(nodeEnginePlatform());
    const info = await engine.init({ pack: { kind: 'url', url: DEFAULT_MODEL_DIR }, backend: 'wasm' });
    expect(info.pack.promptExpansion).toBe(false);
    expect(await refusal(engine.expandPrompt(PROMPT))).toEqual({ code: 'bad-settings', field: 'expandPrompt', message: `The ${info.pack.name} model offers no prompt expansion.` });
    expect(info.pack.name).toBe('tessera-tiny-2');
  });
});
