/**
 * The worker's Engine in Node: the real class on the committed pack through onnxruntime-node
 * (test/fixtures/nodeEnginePlatform.ts), checking its orchestration: start, progress in stage
 * order, frames equal to the pipeline's own, one generation at a time, cancellation and refusals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../../cli/run';
import { Engine } from '../../src/engine/engine';
import { isEngineError } from '../../src/engine/errors';
import type { EngineProgress, GenerateRequest, GenerateSettings } from '../../src/engine/protocol';
import { rgbaFramesToRgb } from '../../src/media/rgbFrames';
import { MAX_UPSCALE } from '../../src/media/upscale';
import { BUILT_IN_PACK } from '../../src/state/packChoice';
import { nodeEnginePlatform } from '../fixtures/nodeEnginePlatform';
import { nodeVideo } from '../e2e/nodePipeline';

const SETTINGS: GenerateSettings = {
  prompt: 'a red circle moving left on a blue background',
  negativePrompt: '',
  aspect: '1:1',
  frames: 9,
  steps: 3,
  guidance: 4,
  seed: 7,
  expandPrompt: false,
};

function request(id: string, settings: Partial<GenerateSettings> = {}, extra: Partial<GenerateRequest> = {}): GenerateRequest {
  return { id, settings: { ...SETTINGS, ...settings }, ...extra };
}

/** The engine error code a promise rejects with (fails the test if it resolves). */
async function codeOf(promise: Promise<unknown>): Promise<{ code: string; field: string | undefined }> {
  const error = await promise.then(
    () => expect.unreachable('expected a refusal'),
    (e: unknown) => e,
  );
  if (!isEngineError(error)) throw error;
  return { code: error.code, field: error.field };
}

describe('Engine in Node', () => {
  let engine: Engine;

  beforeAll(() => {
    engine = new Engine(nodeEnginePlatform());
  });

  it('refuses to generate before it is started', async () => {
    expect(await codeOf(new Engine(nodeEnginePlatform()).generate(request('early')))).toEqual({ code: 'not-ready', field: undefined });
  });

  it('starts on the built-in pack and reports it ready, on WASM as asked', async () => {
    const info = await engine.init({ pack: { kind: 'url', url: DEFAULT_MODEL_DIR }, backend: 'wasm' });
    expect(info.pack).toMatchObject({ name: BUILT_IN_PACK, fps: 8, frameCounts: [1, 9, 17, 25, 33] });
    expect(info.backend).toMatchObject({ backend: 'wasm', fallback: { code: 'user-choice' } });
    expect(info.videoCodec).toBe('avc');
  });

  it('reports encode, denoise, decode and mux in order and returns the pipeline\'s frames', async () => {
    const progress: EngineProgress[] = [];
    const result = await engine.generate(request('clip', {}, { includeRawFrames: true }), { onProgress: (p) => void progress.push(p) });

    const stages = progress.map((p) => p.stage).filter((stage, i, all) => stage !== all[i - 1]);
    expect(stages).toEqual(['encode', 'denoise', 'decode', 'mux']);
    const steps = progress.flatMap((p) => (p.stage === 'denoise' ? [p.step] : []));
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(SETTINGS.steps);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    const mux = progress.flatMap((p) => (p.stage === 'mux' ? [p.frame] : []));
    expect(mux).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // tessera-tiny-2 decodes the 32×32 model size at 4× (video.decoderUpscale).
    expect(result).toMatchObject({ id: 'clip', kind: 'video', frames: 9, width: 128, height: 128, fps: 8, packName: BUILT_IN_PACK });
    expect(result.file).toMatchObject({ mimeType: 'video/mp4', fileName: 'tessera-a-red-circle-moving-left-on-a-blue-background-7.mp4' });
    const reference = await nodeVideo({ prompt: SETTINGS.prompt, negativePrompt: '', seed: 7, aspect: '1:1', frames: 9, steps: 3, guidance: 4, mode: { kind: 'text' } });
    expect(result.rawFrames).toEqual(rgbaFramesToRgb(reference.frames));
  });

  it('refuses a second generation while one runs (busy), and a cancelled one ends as aborted', async () => {
    const first = engine.generate(request('first', { steps: 20 }));
    expect(await codeOf(engine.generate(request('second')))).toEqual({ code: 'busy', field: undefined });
    engine.cancel('first');
    expect(await codeOf(first)).toEqual({ code: 'aborted', field: undefined });

    const next = await engine.generate(request('after', { frames: 1, steps: 1 }));
    expect(next).toMatchObject({ kind: 'image', frames: 1, file: { mimeType: 'image/png' } });
  });

  it('refuses settings the pack does not offer as bad-settings, naming the field', async () => {
    expect(await codeOf(engine.generate(request('steps', { steps: 0 })))).toMatchObject({ code: 'bad-settings', field: 'steps' });
    expect(await codeOf(engine.generate(request('frames', { frames: 10 })))).toMatchObject({ code: 'bad-settings', field: 'frames' });
    expect(await codeOf(engine.generate({ ...request('upscale'), upscale: MAX_UPSCALE + 1 }))).toEqual({ code: 'bad-settings', field: 'upscale' });
  });
});
