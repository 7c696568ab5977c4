/**
 * Opening a user's video for decoding in the browser: its primary track through mediabunny on
 * WebCodecs, with the ways that fails told apart (not a readable video, no video track, too many
 * pixels, no decoder for its codec). The track's size and timing are read from the container's
 * header and checked (mediaLimits.ts) before any frame is decoded. The check worker
 * (src/check/checkMedia.ts) and upload decoding (src/input/browserDecode.ts) both start here; each
 * throws its own error class through `fail`.
 */
import { ALL_FORMATS, BufferSource, Input, type InputVideoTrack } from 'mediabunny';
import { MediaInputError } from './mediaInputError';
import { checkSourceSize } from './mediaLimits';

/** Why a video could not be opened for decoding (a subset of both callers' error codes). */
export type VideoTrackErrorCode = 'unreadable' | 'decoder-missing' | 'too-large';

/** What the container's header says about the primary video track, read before decoding. */
export interface VideoTrackHeader {
  /** Display size, within MAX_SOURCE_PIXELS and MAX_SOURCE_SIDE. */
  readonly width: number;
  readonly height: number;
  /** First timestamp and end, in seconds; finite, end ≥ start. */
  readonly start: number;
  readonly end: number;
}

export interface VideoTrackOptions {
  /** Builds the caller's own error (with this code and message) to throw. */
  readonly fail: (code: VideoTrackErrorCode, message: string) => Error;
  /** What the decoder-missing message tells a person to do instead, e.g. "try Chrome or Edge". */
  readonly decoderAdvice: string;
}

/**
 * Opens `bytes`, reads and checks its primary video track's header, and gives the track (with the
 * input, for its metadata tags, and the header) to `use` when it can be decoded; disposes the input
 * when `use` settles. `what` names the file in messages; every failure before `use` comes through
 * `options.fail`.
 */
export async function withDecodableVideoTrack<T>(
  bytes: ArrayBuffer,
  what: string,
  options: VideoTrackOptions,
  use: (track: InputVideoTrack, input: Input, header: VideoTrackHeader) => Promise<T>,
): Promise<T> {
  const input = new Input({ formats: ALL_FORMATS, source: new BufferSource(bytes) });
  try {
    let track: InputVideoTrack | null;
    try {
      track = await input.getPrimaryVideoTrack();
    } catch {
      throw options.fail('unreadable', `${what} cannot be read as a video; it may be damaged or not a video file.`);
    }
    if (!track) throw options.fail('unreadable', `${what} has no video track.`);
    const header = await readHeader(track, what, options);
    if (!(await track.canDecode())) {
      throw options.fail('decoder-missing', `This browser cannot decode the video in ${what} (codec ${track.codec ?? 'unknown'}); ${options.decoderAdvice}.`);
    }
    return await use(track, input, header);
  } finally {
    input.dispose();
  }
}

/** The track's size, checked against the limits, and its time span, from the container alone. */
async function readHeader(track: InputVideoTrack, what: string, options: VideoTrackOptions): Promise<VideoTrackHeader> {
  let header: VideoTrackHeader;
  try {
    header = { width: track.displayWidth, height: track.displayHeight, start: await track.getFirstTimestamp(), end: await track.computeDuration() };
  } catch {
    throw options.fail('unreadable', `${what} cannot be read as a video; its track's header is damaged.`);
  }
  const { width, height, start, end } = header;
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) {
    throw options.fail('unreadable', `${what} cannot be read as a video; its track says it runs from ${start} s to ${end} s.`);
  }
  try {
    checkSourceSize(width, height, what);
  } catch (error) {
    if (error instanceof MediaInputError && (error.code === 'too-large' || error.code === 'unreadable')) throw options.fail(error.code, error.message);
    throw error;
  }
  return header;
}
