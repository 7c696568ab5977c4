/**
 * A still for the gallery grid: the middle frame of a clip (decoded with WebCodecs through
 * mediabunny, loaded on first use), or the image itself. Main thread; returns null rather than
 * failing the save when the browser cannot decode the file.
 */

/** Thumbnails are kept at the clip's own size up to this many pixels on the long side. */
const MAX_SIDE = 256;

export async function makeThumbnail(file: Blob, kind: 'video' | 'image'): Promise<Blob | null> {
  try {
    return kind === 'image' ? file : await videoThumbnail(file);
  } catch {
    return null;
  }
}

async function videoThumbnail(file: Blob): Promise<Blob | null> {
  const { ALL_FORMATS, BlobSource, CanvasSink, Input } = await import('mediabunny');
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) return null;
    const scale = Math.min(1, MAX_SIDE / Math.max(track.displayWidth, track.displayHeight));
    const sink = new CanvasSink(track, { width: Math.round(track.displayWidth * scale), height: Math.round(track.displayHeight * scale), fit: 'fill' });
    const middle = (await track.computeDuration()) / 2;
    const frame = await sink.getCanvas(middle);
    if (!frame) return null;
    const canvas = frame.canvas;
    if ('convertToBlob' in canvas) return await canvas.convertToBlob({ type: 'image/png' });
    return await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  } finally {
    input.dispose();
  }
}
