/**
 * The app's files as the render chain's container (src/render/renderClip.ts): PNG for one frame, MP4
 * otherwise, named from prompt and seed, encoded by the platform (WebCodecs and mediabunny, an
 * OffscreenCanvas PNG in the worker) with the provenance record in the file's metadata.
 */
import type { VideoCodec } from 'mediabunny';
import type { OutputContainer } from '../render/renderClip';
import { fileRecord, MP4_DESCRIPTION, type FileRecord, type ProvenanceInfo } from '../safety/fileProvenance';
import { provenanceMp4Tags, provenancePngText } from '../safety/provenance';
import type { EnginePlatform } from './enginePlatform';
import type { GeneratedFile } from './protocol';

type Encoders = Pick<EnginePlatform, 'encodeMp4' | 'encodePng'>;

/**
 * The container for a clip: `videoCodec` must be set for more than one frame (the engine checks it
 * first). `name` gives the file's name (the prompt only when the file may carry it).
 */
export function appContainer(encoders: Encoders, videoCodec: VideoCodec | null, name: { prompt: string; seed: number }): OutputContainer<GeneratedFile> {
  const base = fileBaseName(name.prompt, name.seed);
  return {
    async write(pictures, fps, record, onFrame) {
      const { width, height, frames } = pictures;
      if (frames.length === 1) {
        const bytes = await encoders.encodePng(frames[0]!, width, height, provenancePngText(record));
        onFrame(1, 1);
        return { bytes, mimeType: 'image/png', fileName: `${base}.png` };
      }
      const video = await encoders.encodeMp4(frames, { width, height, fps, codec: videoCodec!, metadata: mp4Tags(record), onFrame });
      return { bytes: video.bytes, mimeType: 'video/mp4', fileName: `${base}.mp4`, codec: video.codec };
    },
  };
}

/** Watermarked frames (already at `info`'s size) as the app's file: for a storyboard, whose frames come from several samplings. */
export async function encodeOutputFile(
  encoders: Encoders,
  frames: Uint8ClampedArray[],
  info: ProvenanceInfo,
  videoCodec: VideoCodec | null,
  onFrame: (frame: number, total: number) => void,
): Promise<GeneratedFile> {
  const container = appContainer(encoders, videoCodec, { prompt: info.includePrompt === false ? '' : info.settings.prompt, seed: info.settings.seed });
  return container.write({ width: info.width, height: info.height, frames }, info.fps, await fileRecord(info), onFrame);
}

/** MP4 metadata tags: the record in `comment`, and a description naming the generator. */
function mp4Tags(record: FileRecord) {
  return { ...provenanceMp4Tags(record), description: MP4_DESCRIPTION, date: new Date() };
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
