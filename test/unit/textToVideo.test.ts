import { describe, expect, it } from 'vitest';
import { createArchitecture } from '../../src/architectures/registry';
import { parseManifest, type Manifest, type SchedulerSpec } from '../../src/models/manifest';
import type { PipelineError } from '../../src/pipeline/errors';
import type { ModelRunner, Tensor32 } from '../../src/pipeline/modelRunner';
import { expandPrompt } from '../../src/architectures/tessera-tiny/promptExpansion';
import { gaussianNoise, stepNoiseSeed } from '../../src/pipeline/noise';
import { unpatchify } from '../../src/architectures/tessera-tiny/patches';
import { textToVideo, type TextToVideoRequest } from '../../src/pipeline/textToVideo';
import { FlowMatchEulerScheduler } from '../../src/schedulers/flowMatchEulerScheduler';
import { UniPcMultistepScheduler } from '../../src/schedulers/uniPcMultistepScheduler';
import { fakeRunner } from '../fixtures/fakeRunner';
import { validManifestJson } from '../fixtures/manifestFixture';

const manifest = parseManifest(validManifestJson()); // 4 latent channels, /4 time and space, patch 1x2x2
const fake = (frame?: (c: number, f: number, p: number) => number) =>
  fakeRunner({ embedDim: 16, velocity: 0.25, temporalCompression: 4, spatialCompression: 4, ...(frame ? { frame } : {}) });
const request: TextToVideoRequest = { prompt: 'a red circle moving left', seed: 7, aspect: '16:9', frames: 9, steps: 5, guidance: 3 };

async function errorCode(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: PipelineError) => error.code,
  );
}

describe('textToVideo', () => {
  it('runs cond and negative in one batch of 2 per step and ends at noise − guidance·v', async () => {
    const { runner, log } = fake();
    const video = await textToVideo(createArchitecture(manifest, runner), manifest, request);

    expect(log.textEncoderDims).toEqual([[2, 8]]);
    expect(log.dit).toHaveLength(5);
    // latent 4 × 3 × 8 × 14 → 3·4·7 = 84 tokens of 4·2·2 = 16 values
    expect(log.dit[0]).toMatchObject({ tokensDims: [2, 84, 16], positionsDims: [84, 3], timestep: [1, 1] });
    // shift 2.5: s = 1, .8, .6, .4, .2 → 2.5/2.5, 2/2.2, 1.5/1.9, 1/1.6, .5/1.3
    const expected = [1, 2 / 2.2, 1.5 / 1.9, 1 / 1.6, 0.5 / 1.3];
    log.dit.forEach((d, i) => expect(d.timestep[0]).toBeCloseTo(expected[i]!, 6));

    const [latents] = log.decodedLatents;
    expect(latents!.dims).toEqual([1, 4, 3, 8, 14]);
    const noise = gaussianNoise(4 * 3 * 8 * 14, 7);
    latents!.data.forEach((v, i) => expect(v).toBeCloseTo(noise[i]! - 3 * 0.25, 5));

    expect(video).toMatchObject({ width: 56, height: 32, fps: 8, seed: 7, steps: 5, guidance: 3, caption: request.prompt });
    expect(video.frames).toHaveLength(9);
    expect(video.frames[0]).toHaveLength(56 * 32 * 4);
  });

  it('takes steps and guidance from the pack when not given', async () => {
    const { runner, log } = fake();
    const { steps, guidance, ...rest } = request;
    const video = await textToVideo(createArchitecture(manifest, runner), manifest, rest);
    expect(video.steps).toBe(20);
    expect(video.guidance).toBe(4);
    expect(log.dit).toHaveLength(20);
  });

  it('at guidance 1 encodes and runs only the conditional row, whose output it steps with as it is', async () => {
    const { runner, log } = fake();
    const video = await textToVideo(createArchitecture(manifest, runner), manifest, { ...request, guidance: 1 });

    expect(log.textEncoderDims).toEqual([[1, 8]]);
    expect(log.dit).toHaveLength(5);
    expect(log.dit[0]).toMatchObject({ tokensDims: [1, 84, 16] });
    const noise = gaussianNoise(4 * 3 * 8 * 14, 7);
    log.decodedLatents[0]!.data.forEach((v, i) => expect(v).toBeCloseTo(noise[i]! - 0.25, 5));
    expect(video.guidance).toBe(1);
  });

  it('uses the negative prompt as the second batch row', async () => {
    const { runner, log } = fake();
    // A non-empty negative prompt makes both rows "conditioned" in the fake, so guidance cancels out.
    await textToVideo(createArchitecture(manifest, runner), manifest, { ...request, negativePrompt: 'blue' });
    const noise = gaussianNoise(4 * 3 * 8 * 14, 7);
    log.decodedLatents[0]!.data.forEach((v, i) => expect(v).toBeCloseTo(noise[i]! - 0.25, 5));
  });

  it('reports every step with the current latents', async () => {
    const { runner } = fake();
    const events: { step: number; total: number; t: number; first: number }[] = [];
    await textToVideo(createArchitecture(manifest, runner), manifest, request, { onStepEnd: (e) => events.push({ step: e.step, total: e.total, t: e.t, first: e.latents.data[0]! }) });
    expect(events.map((e) => [e.step, e.total])).toEqual([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
    expect(events[0]!.t).toBe(1);
    expect(events[4]!.first).toBeCloseTo(gaussianNoise(1, 7)[0]! - 0.75, 5);
  });

  it('shows the model the known latents re-imposed at each step’s noise level (1 − t)·z + t·ε', async () => {
    const { runner } = fake();
    const seen: Float32Array[] = [];
    const recording: ModelRunner = {
      ...runner,
      run: (role, feeds, options) => {
        const tokens = feeds.tokens as Tensor32 | undefined;
        if (role === 'dit' && tokens) seen.push(unpatchify(tokens.data.subarray(0, tokens.data.length / 2), dims, manifest.patch));
        return runner.run(role, feeds, options);
      },
    };
    const dims = { channels: 4, frames: 3, height: 8, width: 14 };
    const plane = 8 * 14;
    const z = Float32Array.from({ length: 4 * 3 * plane }, (_, i) => Math.sin(i));
    const known = { latents: z, frames: [true, false, false] };
    await textToVideo(createArchitecture(manifest, recording), manifest, { ...request, conditioning: { known } });
    const noise = gaussianNoise(4 * 3 * plane, 7);
    const schedule = new FlowMatchEulerScheduler({ shift: 2.5 }); // the pack's
    schedule.setTimesteps(5);
    expect(seen).toHaveLength(5);
    for (const [step, latents] of seen.entries()) {
      const t = schedule.timesteps[step]!;
      for (let c = 0; c < 4; c++) {
        for (let p = 0; p < plane; p++) {
          const i = c * 3 * plane + p; // latent frame 0 of channel c
          expect(latents[i]).toBe(Math.fround((1 - t) * z[i]! + t * noise[i]!));
        }
        // after the first step an unknown frame is the sampler's own, not on the source's path
        if (step > 0) expect(latents[(c * 3 + 1) * plane]).not.toBe(Math.fround((1 - t) * z[(c * 3 + 1) * plane]! + t * noise[(c * 3 + 1) * plane]!));
      }
    }
  });

  it('keeps known frames on their noise path under the multistep UniPC sampler too, exact at the end', async () => {
    const uniPc: Manifest = { ...manifest, scheduler: { ...manifest.scheduler, type: 'unipc-multistep' } };
    const { runner, log } = fake();
    const seen: Float32Array[] = [];
    const dims = { channels: 4, frames: 3, height: 8, width: 14 };
    const recording: ModelRunner = {
      ...runner,
      run: (role, feeds, options) => {
        const tokens = feeds.tokens as Tensor32 | undefined;
        if (role === 'dit' && tokens) seen.push(unpatchify(tokens.data.subarray(0, tokens.data.length / 2), dims, manifest.patch));
        return runner.run(role, feeds, options);
      },
    };
    const plane = 8 * 14;
    const z = Float32Array.from({ length: 4 * 3 * plane }, (_, i) => Math.sin(i));
    await textToVideo(createArchitecture(uniPc, recording), uniPc, { ...request, conditioning: { known: { latents: z, frames: [true, false, false] } } });
    const noise = gaussianNoise(4 * 3 * plane, 7);
    const schedule = new UniPcMultistepScheduler({ shift: 2.5 }); // the pack's shift
    schedule.setTimesteps(5);
    const frame0 = (c: number, p: number) => c * 3 * plane + p;
    for (const [step, latents] of seen.entries()) {
      const t = schedule.times[step]!; // the sample's own time, not the model's rounded one
      for (let c = 0; c < 4; c++) [0, 57, plane - 1].forEach((p) => expect(latents[frame0(c, p)]).toBe(Math.fround((1 - t) * z[frame0(c, p)]! + t * noise[frame0(c, p)]!)));
    }
    const final = log.decodedLatents[0]!.data;
    for (let c = 0; c < 4; c++) for (let p = 0; p < plane; p++) expect(final[frame0(c, p)]).toBe(z[frame0(c, p)]);
  });

  it('samples with the scheduler the pack names, giving a re-noising one fresh seeded noise each step', async () => {
    const { runner, log } = fake();
    const lcm: Manifest = { ...manifest, scheduler: { ...manifest.scheduler, type: 'flow-match-lcm' } as unknown as SchedulerSpec };
    await textToVideo(createArchitecture(lcm, runner), lcm, { ...request, steps: 2 });
    // guided velocity 3·0.25; times 1, t1 = 1.25/1.75, 0: x_0 = ε − 0.75, then x1 = (1 − t1)·x_0 + t1·ε1, then x1 − t1·0.75
    const size = 4 * 3 * 8 * 14;
    const noise = gaussianNoise(size, 7);
    const fresh = gaussianNoise(size, stepNoiseSeed(7, 0));
    const t1 = 1.25 / 1.75;
    log.decodedLatents[0]!.data.forEach((v, i) => expect(v).toBeCloseTo((1 - t1) * (noise[i]! - 0.75) + t1 * fresh[i]! - t1 * 0.75, 5));
  });

  it('keeps a multistep sampler’s history in clip order under rolled (loop) sampling', async () => {
    // The fake's velocity is the same for every frame, so rolling what the model sees changes nothing:
    // a loop run must equal a plain one. UniPC's corrector combines this step's sample with the last
    // ones, which only works if the sampler always gets the frames in the same places.
    const uniPc: Manifest = { ...manifest, scheduler: { ...manifest.scheduler, type: 'unipc-multistep' } };
    const run = async (conditioning?: TextToVideoRequest['conditioning']) => {
      const { runner, log } = fake();
      await textToVideo(createArchitecture(uniPc, runner), uniPc, { ...request, steps: 6, ...(conditioning ? { conditioning } : {}) });
      return log.decodedLatents[0]!.data;
    };
    const plain = await run();
    const looped = await run({ roll: { from: 0 } });
    looped.forEach((v, i) => expect(v).toBeCloseTo(plain[i]!, 5));
  });

  it('stops within one step when cancelled, and says so with code "aborted"', async () => {
    const { runner, log } = fake();
    const controller = new AbortController();
    const stages: string[] = [];
    const result = textToVideo(createArchitecture(manifest, runner), manifest, request, {
      signal: controller.signal,
      onStage: (s) => stages.push(s),
      onStepEnd: (e) => e.step === 2 && controller.abort(),
    });
    expect(await errorCode(result)).toBe('aborted');
    expect(log.dit).toHaveLength(2);
    expect(log.decodedLatents).toHaveLength(0);
    expect(stages).toEqual(['encode', 'denoise']);
  });

  it('converts planar RGB in [0, 1] to clamped RGBA frames', async () => {
    // Frame f, channel c: value (c + 1)·0.25 + f·0.01, except pixel 0 of channel 0 out of range.
    const { runner } = fake((c, f, p) => (c === 0 && p === 0 ? (f === 0 ? 1.7 : -0.3) : (c + 1) * 0.25 + f * 0.01));
    const video = await textToVideo(createArchitecture(manifest, runner), manifest, request);
    expect([...video.frames[0]!.subarray(0, 8)]).toEqual([255, 128, 191, 255, 64, 128, 191, 255]);
    expect([...video.frames[1]!.subarray(0, 8)]).toEqual([0, 130, 194, 255, 66, 130, 194, 255]);
  });

  it('conditions on the caption of the expansion it is given, and reports it', async () => {
    const { runner, log } = fake();
    const expansion = expandPrompt('crimson ball goes left');
    const video = await textToVideo(createArchitecture(manifest, runner), manifest, { ...request, prompt: 'crimson ball goes left', expansion });
    expect(video.caption).toBe('a red circle moving left on a black background');
    expect(video.expansion).toBe(expansion);
    expect(log.textEncoderDims).toEqual([[2, 8]]);
    // The fixture vocabulary lacks "black": the model would see <unk>.
    expect(video.unknownWords).toEqual(['black']);
  });

  it.each([
    [{ prompt: '  ' }, 'invalid-prompt'],
    [{ seed: -1 }, 'invalid-seed'],
    [{ seed: 2 ** 32 }, 'invalid-seed'],
    [{ steps: 0 }, 'invalid-steps'],
    [{ steps: 2.5 }, 'invalid-steps'],
    [{ guidance: Number.NaN }, 'invalid-guidance'],
    [{ guidance: -1 }, 'invalid-guidance'],
    [{ aspect: '4:3' }, 'invalid-aspect'],
    [{ frames: 10 }, 'invalid-frames'],
  ])('refuses %o with code %s before running any graph', async (change, code) => {
    const { runner, log } = fake();
    expect(await errorCode(textToVideo(createArchitecture(manifest, runner), manifest, { ...request, ...change }))).toBe(code);
    expect(log.textEncoderDims).toHaveLength(0);
  });

  it('names the graph when a model returns the wrong shape', async () => {
    const { runner } = fake();
    const broken: ModelRunner = { ...runner, run: async (role, feeds) => (role === 'dit' ? { velocity: { data: new Float32Array(3), dims: [3] } } : runner.run(role, feeds)) };
    const error = await textToVideo(createArchitecture(manifest, broken), manifest, request).catch((e: PipelineError) => e);
    expect(error).toMatchObject({ code: 'model-output', message: expect.stringContaining('DiT returned [3]') });
  });
});
