/** Opening a video for browser decoding: the shared failures of the check worker and upload decoding, each as the caller's own error. */
import { describe, expect, it } from 'vitest';
import { MediaInputError } from '../../src/input/mediaInputError';
import { type VideoTrackErrorCode, withDecodableVideoTrack } from '../../src/input/videoTrack';

const options = {
  fail: (code: VideoTrackErrorCode, message: string) => new MediaInputError(code, message),
  decoderAdvice: 'use a .y4m file',
};

/** A valid container with no video in it: a mono 8-bit WAV of a few silent samples. */
function silentWav(samples = 8): ArrayBuffer {
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, 8000, true);
  view.setUint32(28, 8000, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  ascii(36, 'data');
  view.setUint32(40, samples, true);
  bytes.fill(128, 44);
  return bytes.buffer;
}

async function failure(bytes: ArrayBuffer): Promise<{ error: unknown; used: boolean }> {
  let used = false;
  try {
    await withDecodableVideoTrack(bytes, '“clip.mp4”', options, async () => {
      used = true;
    });
  } catch (error) {
    return { error, used };
  }
  return { error: null, used };
}

describe('withDecodableVideoTrack', () => {
  it('throws the caller’s error with code unreadable for bytes that are no container', async () => {
    const { error, used } = await failure(new TextEncoder().encode('not a video at all, just text').buffer);
    expect(used).toBe(false);
    expect(error).toBeInstanceOf(MediaInputError);
    expect(error).toMatchObject({ code: 'unreadable', message: '“clip.mp4” cannot be read as a video; it may be damaged or not a video file.' });
  });

  it('says a readable file without a video track has none', async () => {
    const { error, used } = await failure(silentWav());
    expect(used).toBe(false);
    expect(error).toMatchObject({ code: 'unreadable', message: '“clip.mp4” has no video track.' });
  });
});
