/**
 * Worker side of the modes: turns a ModeRequest's media into the pipeline's GenerationMode (decoded,
 * at the pack's rate and size), and remembers the frames of recent results so "use the current
 * result" needs no lossy MP4 round trip.
 */
import type { Manifest } from '../models/manifest';
import { decodeMediaFile } from '../input/browserDecode';
import { MediaInputError } from '../input/mediaInputError';
import { closestAspect, fitClip, type RgbaClip } from '../pipeline/fitFrames';
import { resolveSize } from '../pipeline/latents';
import type { GenerationMode } from '../pipeline/videoModes';
import type { MediaInput, ModeRequest } from './modeProtocol';

/** Results kept for reuse as sources (each is at most 33 tiny frames, a few hundred kB). */
const KEPT_RESULTS = 8;

/** The frames of the last few results, by result id (model size, before upscaling and watermark). */
export class ResultFrames {
  private readonly clips = new Map<string, RgbaClip>();

  keep(id: string, clip: RgbaClip): void {
    this.clips.delete(id);
    this.clips.set(id, clip);
    while (this.clips.size > KEPT_RESULTS) this.clips.delete(this.clips.keys().next().value!);
  }

  get(id: string): RgbaClip | undefined {
    return this.clips.get(id);
  }
}

/** A request's mode with its sources decoded, and the aspect and frame count to sample. */
export interface ResolvedMode {
  readonly mode: GenerationMode;
  readonly aspect: string;
  readonly frames: number;
}

/**
 * The pipeline's mode for a request, with every source decoded. Text and loop use the form's aspect;
 * modes with sources the one closest to the first source (the others are cropped to it).
 * Video-to-video samples at most as many frames as the source has.
 */
export async function resolveMode(request: ModeRequest | undefined, manifest: Manifest, form: { aspect: string; frames: number }, results: ResultFrames): Promise<ResolvedMode> {
  let chosen: string | undefined;
  const read = async (input: MediaInput): Promise<RgbaClip> => {
    const clip = input.kind === 'result' ? results.get(input.id) : undefined;
    const file = input.kind === 'file' ? input : clip ? undefined : input.fallback;
    if (clip) {
      chosen ??= closestAspect(manifest.video, clip.width, clip.height);
      return chosen === closestAspect(manifest.video, clip.width, clip.height) ? clip : fitClip(clip, resolveSize(manifest.video, chosen));
    }
    if (!file) throw new MediaInputError('unreadable', 'That clip is no longer available; open it from the gallery or upload it again.');
    return decodeMediaFile(file, manifest.video.fps, (width, height) => {
      chosen ??= closestAspect(manifest.video, width, height);
      return resolveSize(manifest.video, chosen);
    });
  };
  const withSources = (mode: GenerationMode, frames = form.frames): ResolvedMode => ({ mode, aspect: chosen ?? form.aspect, frames });
  if (!request || request.kind === 'text') return withSources({ kind: 'text' });
  switch (request.kind) {
    case 'loop':
      return withSources({ kind: 'loop' });
    case 'image-to-video': {
      const image = await read(request.image);
      return withSources({ kind: 'image-to-video', image: { ...image, frames: image.frames.slice(0, 1) } });
    }
    case 'extend':
      return withSources({ kind: 'extend', clip: await read(request.clip), direction: request.direction });
    case 'video-to-video': {
      const clip = await read(request.clip);
      const fits = [...manifest.video.frameCounts].reverse().find((f) => f <= Math.min(form.frames, clip.frames.length)) ?? manifest.video.frameCounts[0]!;
      return withSources({ kind: 'video-to-video', clip, strength: request.strength }, fits);
    }
    case 'connect': {
      const first = await read(request.first);
      return withSources({ kind: 'connect', first, second: await read(request.second) });
    }
  }
}
