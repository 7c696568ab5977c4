/**
 * Opening a user's video for decoding in the browser: its primary track through mediabunny on
 * WebCodecs, with the ways that fails told apart (not a readable video, no video track, no decoder
 * for its codec). The check worker (src/check/checkMedia.ts) and upload decoding
 * (src/input/browserDecode.ts) both start here; each throws its own error class through `fail`.
 */
import { ALL_FORMATS, BufferSource, Input, type InputVideoTrack } from 'mediabunny';

/** Why a video could not be opened for decoding (a subset of both callers' error codes). */
export type VideoTrackErrorCode = 'unreadable' | 'decoder-missing';

export interface VideoTrackOptions {
  /** Builds the caller's own error (with this code and message) to throw. */
  readonly fail: (code: VideoTrackErrorCode, message: string) => Error;
  /** What the decoder-missing message tells a person to do instead, e.g. "try Chrome or Edge". */
  readonly decoderAdvice: string;
}

/**
 * Opens `bytes`, gives its decodable primary video track (and the input, for its metadata tags) to
 * `use`, and disposes the input when `use` settles. `what` names the file in messages.
 */
export async function withDecodableVideoTrack<T>(
  bytes: ArrayBuffer,
  what: string,
  options: VideoTrackOptions,
  use: (track: InputVideoTrack, input: Input) => Promise<T>,
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
    if (!(await track.canDecode())) {
      throw options.fail('decoder-missing', `This browser cannot decode the video in ${what} (codec ${track.codec ?? 'unknown'}); ${options.decoderAdvice}.`);
    }
    return await use(track, input);
  } finally {
    input.dispose();
  }
}
