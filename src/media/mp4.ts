/** Frames → MP4 with WebCodecs through mediabunny, in the worker. */
import { BufferTarget, Mp4OutputFormat, Output, QUALITY_HIGH, VideoSample, VideoSampleSource, type MetadataTags, type VideoCodec } from 'mediabunny';

export interface Mp4Options {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly codec: VideoCodec;
  readonly metadata?: MetadataTags;
  /** After each frame is handed to the encoder. */
  readonly onFrame?: (frame: number, total: number) => void;
}

export interface EncodedVideo {
  readonly bytes: ArrayBuffer;
  /** The full codec string the encoder used, e.g. "avc1.64000b". */
  readonly codec: string;
}

/** Encodes RGBA frames (width·height·4 bytes each) into an MP4 at `fps`. */
export async function encodeMp4(frames: readonly Uint8ClampedArray[], options: Mp4Options): Promise<EncodedVideo> {
  const { width, height, fps } = options;
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target: new BufferTarget() });
  let codecString: string = options.codec;
  const source = new VideoSampleSource({
    codec: options.codec,
    quality: QUALITY_HIGH,
    onEncoderConfig: (config) => {
      codecString = config.codec;
    },
  });
  output.addVideoTrack(source, { frameRate: fps });
  if (options.metadata) output.setMetadataTags(options.metadata);
  await output.start();
  try {
    for (const [i, rgba] of frames.entries()) {
      const sample = new VideoSample(rgba, { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: i / fps, duration: 1 / fps });
      try {
        await source.add(sample);
      } finally {
        sample.close();
      }
      options.onFrame?.(i + 1, frames.length);
    }
    await output.finalize();
  } catch (error) {
    await output.cancel().catch(() => undefined);
    throw error;
  }
  const bytes = (output.target as BufferTarget).buffer;
  if (!bytes) throw new Error('the MP4 muxer produced no data');
  return { bytes, codec: codecString };
}
