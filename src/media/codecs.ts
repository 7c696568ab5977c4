/** Which video codec this browser can encode, probed in order of how widely files will play. */
import { getFirstEncodableVideoCodec, QUALITY_HIGH, type VideoCodec } from 'mediabunny';

/** H.264 plays everywhere; VP9 and AV1 in MP4 play in browsers and most modern players. */
export const CODEC_PREFERENCE: readonly VideoCodec[] = ['avc', 'vp9', 'av1'];

/** The first codec of `CODEC_PREFERENCE` WebCodecs can encode at this size, or null. */
export async function probeVideoCodec(width: number, height: number, fps: number): Promise<VideoCodec | null> {
  if (typeof globalThis.VideoEncoder === 'undefined') return null;
  return getFirstEncodableVideoCodec([...CODEC_PREFERENCE], { width, height, quality: QUALITY_HIGH, frameRate: fps });
}
