/**
 * The worker's sources for the render chain's modes (src/render/modeSources.ts chooses the size):
 * an earlier result's frames at model size when this engine made it (lossless, no MP4 round trip),
 * else an uploaded or stored file decoded here. Keeps the frames of recent results for that.
 */
import { decodeMediaFile } from '../input/browserDecode';
import { MediaInputError } from '../input/mediaInputError';
import { fitClip, type RgbaClip } from '../pipeline/fitFrames';
import type { DecodeSource } from '../render/modeSources';
import type { MediaInput } from './modeProtocol';

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

/** Decodes a request's media: a kept result as it is (fitted when another size was chosen), else its file. */
export function workerSources(results: ResultFrames): DecodeSource<MediaInput> {
  return async (input, fps, chooseSize) => {
    const clip = input.kind === 'result' ? results.get(input.id) : undefined;
    if (clip) {
      const size = chooseSize(clip.width, clip.height);
      return size.width === clip.width && size.height === clip.height ? clip : fitClip(clip, size);
    }
    const file = input.kind === 'file' ? input : input.fallback;
    if (!file) throw new MediaInputError('unreadable', 'That clip is no longer available; open it from the gallery or upload it again.');
    return decodeMediaFile(file, fps, chooseSize);
  };
}
