/** The file a generation gives the user: PNG for one frame, MP4 otherwise, named from prompt and seed. */
import type { VideoCodec } from 'mediabunny';
import type { EnginePlatform } from './enginePlatform';
import type { GeneratedFile } from './protocol';
import { mp4Metadata, pngMetadata, type ProvenanceInfo } from './provenance';

/**
 * Encodes watermarked RGBA frames with the platform's encoders and the provenance record in the
 * file's metadata. `videoCodec` must be set for more than one frame (the engine checks it first).
 */
export async function encodeOutputFile(
  encoders: Pick<EnginePlatform, 'encodeMp4' | 'encodePng'>,
  frames: Uint8ClampedArray[],
  info: ProvenanceInfo,
  videoCodec: VideoCodec | null,
  onFrame: (frame: number, total: number) => void,
): Promise<GeneratedFile> {
  const base = fileBaseName(info.includePrompt === false ? '' : info.settings.prompt, info.settings.seed);
  if (frames.length === 1) {
    const bytes = await encoders.encodePng(frames[0]!, info.width, info.height, await pngMetadata(info));
    onFrame(1, 1);
    return { bytes, mimeType: 'image/png', fileName: `${base}.png` };
  }
  const codec = videoCodec!;
  const video = await encoders.encodeMp4(frames, { width: info.width, height: info.height, fps: info.fps, codec, metadata: await mp4Metadata(info), onFrame });
  return { bytes: video.bytes, mimeType: 'video/mp4', fileName: `${base}.mp4`, codec: video.codec };
}

/** "tessera-a-red-circle-moving-left-1234" */
function fileBaseName(prompt: string, seed: number): string {
  const slug = prompt
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48)
    .replace(/-$/, '');
  return `tessera-${slug || 'clip'}-${seed}`;
}
