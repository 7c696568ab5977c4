/**
 * The app's files as the render chain's container (src/render/renderClip.ts): PNG for one frame, MP4
 * otherwise, named from prompt and seed, encoded by the platform (WebCodecs and mediabunny, an
 * OffscreenCanvas PNG in the worker) with the provenance record in the file's metadata.
 */
import type { VideoCodec } from 'mediabunny';
import type { OutputContainer } from '../render/renderClip';
import { MP4_DESCRIPTION, type FileRecord } from '../safety/fileProvenance';
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
