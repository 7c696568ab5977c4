/**
 * The render chain both sides run (src/render/renderClip.ts), on stand-in sides: the policy before
 * anything is decoded or sampled, the sources fitted to one size, the plan checked before sampling,
 * the frames upscaled, the pictures the container holds watermarked at their size, and the record
 * written with the clip's settings (or the ones the side records).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/models/manifest';
import type { RgbaClip } from '../../src/pipeline/fitFrames';
import { resolveSize } from '../../src/pipeline/latents';
import type { ModeVideo, VideoRequest } from '../../src/pipeline/videoModes';
import { renderClip, type OutputContainer, type RenderRequest, type RenderSide } from '../../src/render/renderClip';
import type { FileRecord } from '../../src/safety/fileProvenance';
import { PolicyRefusalError } from '../../src/safety/promptPolicy';
import { upscaleFrames, type Frames } from '../../src/media/upscale';
import { readManifestFile } from '../../src/runtime/nodePack';
import { DEFAULT_MODEL_DIR } from '../../cli/run';

let manifest: Manifest;
beforeAll(async () => {
  manifest = await readManifestFile(DEFAULT_MODEL_DIR);
});

/** A clip of `frames` frames at `width`×`height`, frame f filled with grey level 10·f + 20. */
function clipOf(width: number, height: number, frames: number): RgbaClip {
  return { width, height, frames: Array.from({ length: frames }, (_, f) => new Uint8ClampedArray(width * height * 4).fill(10 * f + 20)) };
}

/** What a stand-in side saw, in order. */
interface Seen {
  events: string[];
  requests: VideoRequest[];
  written: { pictures: Frames; record: FileRecord }[];
}

function side(seen: Seen, layout?: OutputContainer<void>['layout']): RenderSide<string, void> {
  return {
    manifest,
    architecture: { name: 'stand-in' },
    decodeSource: async (source, fps, chooseSize) => {
      seen.events.push(`decode ${source} at ${fps} fps`);
      const [width, height] = source.split('x').map(Number) as [number, number];
      const size = chooseSize(width, height);
      return clipOf(size.width, size.height, 9);
    },
    checkPlan: (plan) => void seen.events.push(`plan ${plan.mode.kind} ${plan.aspect} ${plan.frames}`),
    sample: async (request) => {
      seen.events.push('sample');
      seen.requests.push(request);
      const size = resolveSize(manifest.video, request.aspect!);
      const clip = clipOf(size.width, size.height, request.frames ?? 9);
      return { ...clip, frames: [...clip.frames], fps: manifest.video.fps, caption: request.prompt, unknownWords: [], seed: request.seed, steps: 2, guidance: 4, negativePrompt: '', mode: request.mode.kind, sampledFrames: clip.frames, sampledOffset: 0, newFrames: clip.frames.length, aspect: request.aspect! } satisfies ModeVideo;
    },
    container: () => ({
      ...(layout ? { layout } : {}),
      async write(pictures, _fps, record) {
        seen.events.push('write');
        seen.written.push({ pictures, record });
      },
    }),
  };
}

const REQUEST: RenderRequest<string> = {
  prompt: 'a red circle moving left on a blue background',
  negativePrompt: '',
  seed: 7,
  expandPrompt: false,
  mode: { kind: 'text' },
  defaultAspect: '1:1',
  frames: 9,
  upscale: 2,
  upscaleFilter: 'nearest',
  includePrompt: true,
};

describe('renderClip', () => {
  it('refuses a prompt the policy refuses before it decodes a source or samples', async () => {
    const seen: Seen = { events: [], requests: [], written: [] };
    const refused = renderClip({ ...REQUEST, prompt: 'a man st@bbing his neighbour', mode: { kind: 'extend', clip: '64x64', direction: 'forward' } }, side(seen));
    await expect(refused).rejects.toBeInstanceOf(PolicyRefusalError);
    expect(seen.events).toEqual([]);
  });

  it('refuses an expansion the architecture does not offer', async () => {
    const seen: Seen = { events: [], requests: [], written: [] };
    await expect(renderClip({ ...REQUEST, expandPrompt: true }, side(seen))).rejects.toMatchObject({ code: 'invalid-prompt', message: expect.stringContaining('stand-in') });
    expect(seen.events).toEqual([]);
  });

  it('fits every source to the first one\'s closest aspect and checks the plan before sampling', async () => {
    const seen: Seen = { events: [], requests: [], written: [] };
    await renderClip({ ...REQUEST, mode: { kind: 'connect', first: '160x90', second: '50x50' } }, side(seen));
    expect(seen.events).toEqual(['decode 160x90 at 8 fps', 'decode 50x50 at 8 fps', 'plan connect 16:9 9', 'sample', 'write']);
    const { mode, aspect } = seen.requests[0]!;
    expect(aspect).toBe('16:9');
    expect(mode.kind === 'connect' && [mode.first.width, mode.second.width]).toEqual([56, 56]);
  });

  it('samples text at the default aspect, and video-to-video at most as many frames as its clip has', async () => {
    const seen: Seen = { events: [], requests: [], written: [] };
    await renderClip({ ...REQUEST, defaultAspect: '9:16' }, side(seen));
    await renderClip({ ...REQUEST, frames: 33, mode: { kind: 'video-to-video', clip: '32x32', strength: 0.5 } }, side(seen));
    expect(seen.requests.map((r) => [r.aspect, r.frames])).toEqual([['9:16', 9], ['1:1', 9]]);
  });

  it('upscales, watermarks the frames at their final size and records the clip\'s settings', async () => {
    const seen: Seen = { events: [], requests: [], written: [] };
    const rendered = await renderClip(REQUEST, side(seen));
    const { pictures, record } = seen.written[0]!;
    expect([rendered.width, rendered.height, pictures.width, pictures.height, pictures.frames.length]).toEqual([64, 64, 64, 64, 9]);
    const plain = upscaleFrames(rendered.video, 2, 'nearest');
    // 64 pixels is the mark's smallest side: the written frames carry it, the plain upscale does not.
    expect(pictures.frames[0]).not.toEqual(plain.frames[0]);
    expect(record).toMatchObject({ seed: 7, prompt: REQUEST.prompt, settings: { aspect: '1:1', frames: 9, width: 64, height: 64 } });
  });

  it('watermarks the pictures the container lays out (one strip) and records the settings the side gives', async () => {
    const seen: Seen = { events: [], requests: [], written: [] };
    const strip = (video: Frames): Frames => ({ width: video.width * video.frames.length, height: video.height, frames: [new Uint8ClampedArray(video.width * video.frames.length * video.height * 4).fill(128)] });
    const recordedSettings = { prompt: REQUEST.prompt, negativePrompt: '', aspect: '9:16', frames: 17, steps: 20, guidance: 4, seed: 7, expandPrompt: false };
    await renderClip({ ...REQUEST, recordedSettings }, side(seen, strip));
    const { pictures, record } = seen.written[0]!;
    expect([pictures.width, pictures.height, pictures.frames.length]).toEqual([64 * 9, 64, 1]);
    expect(pictures.frames[0]!.some((v) => v !== 128)).toBe(true);
    expect(record.settings).toMatchObject({ aspect: '9:16', frames: 17, steps: 20 });
  });
});
