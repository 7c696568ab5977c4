/**
 * Step 2 of a render: a mode's sources decoded at the pack's frame rate and fitted to one model
 * size. Each side decodes its own kind of source (the worker: uploaded files and earlier results;
 * the CLI: paths, through TypeScript or ffmpeg); the choice of size is made here for both: the
 * aspect asked for, else the one closest to the first source, which every later source is fitted to.
 */
import type { VideoSize, VideoSpec } from '../models/manifest';
import { closestAspect, type RgbaClip } from '../pipeline/fitFrames';
import { resolveSize } from '../pipeline/latents';
import type { GenerationMode, ModeWithSources } from '../pipeline/videoModes';

/** Picks the model size for a source of width×height (the first call fixes the aspect). */
export type SizeChooser = (width: number, height: number) => VideoSize;

/** Decodes one source at `fps`, fitted to the size `chooseSize` picks for it. */
export type DecodeSource<Source> = (source: Source, fps: number, chooseSize: SizeChooser) => Promise<RgbaClip>;

/** A mode with its sources decoded. */
export interface ResolvedMode {
  readonly mode: GenerationMode;
  /** The aspect asked for, else the first source's closest; undefined for text and loop without one. */
  readonly aspect: string | undefined;
  /** Frames to sample: as asked, except that video-to-video samples at most as many as its clip has. */
  readonly frames: number | undefined;
}

/** Decodes the sources of `mode` one after another (the first fixes the size). */
export async function resolveMode<Source>(
  mode: ModeWithSources<Source>,
  video: VideoSpec,
  decode: DecodeSource<Source>,
  asked: { readonly aspect?: string | undefined; readonly frames?: number | undefined },
): Promise<ResolvedMode> {
  let aspect = asked.aspect;
  const read = (source: Source) =>
    decode(source, video.fps, (width, height) => {
      aspect ??= closestAspect(video, width, height);
      return resolveSize(video, aspect);
    });
  const resolved = (mode: GenerationMode, frames = asked.frames): ResolvedMode => ({ mode, aspect, frames });
  switch (mode.kind) {
    case 'text':
    case 'loop':
      return resolved(mode);
    case 'image-to-video': {
      const image = await read(mode.image);
      return resolved({ kind: mode.kind, image: { ...image, frames: image.frames.slice(0, 1) } });
    }
    case 'extend':
      return resolved({ kind: mode.kind, clip: await read(mode.clip), direction: mode.direction });
    case 'video-to-video': {
      const clip = await read(mode.clip);
      return resolved({ kind: mode.kind, clip, strength: mode.strength }, framesFromClip(video, clip, asked.frames));
    }
    case 'connect': {
      const first = await read(mode.first);
      return resolved({ kind: mode.kind, first, second: await read(mode.second) });
    }
  }
}

/** The longest frame count the pack offers within the clip (and within `asked`, when given); the shortest if none fits. */
function framesFromClip(video: VideoSpec, clip: RgbaClip, asked: number | undefined): number {
  const most = Math.min(asked ?? Number.POSITIVE_INFINITY, clip.frames.length);
  return [...video.frameCounts].reverse().find((f) => f <= most) ?? video.frameCounts[0]!;
}
