/**
 * The CLI's file formats as the render chain's containers (src/render/renderClip.ts): .png (one
 * frame, or a strip of them) with the record in an iTXt chunk, .y4m (no room for metadata) and
 * .mp4 through the system's ffmpeg with the record in its tags. Each writes `--out`.
 */
import { writeFile } from 'node:fs/promises';
import { contactSheet } from '../src/media/contactSheet';
import { addPngText } from '../src/media/png';
import type { Frames } from '../src/media/upscale';
import type { OutputContainer } from '../src/render/renderClip';
import { MP4_DESCRIPTION } from '../src/safety/fileProvenance';
import { provenanceFfmpegArgs, provenancePngText } from '../src/safety/provenance';
import type { OutputFormat } from './args';
import { writeMp4 } from './mp4';
import { encodePng } from './png';
import { encodeY4m } from './y4m';

/** The container that writes `format` to `out`. */
export function cliContainer(format: OutputFormat, out: string): OutputContainer<void> {
  switch (format) {
    case 'png':
      return {
        // A multi-frame PNG is one row of frames, not a near-square grid: the mark's canonical plane
        // follows the image's shorter side, so a 3×3 grid shrinks every frame 3× on it and the
        // picture's edges land in the mark's band (a 9-frame grid of the trained pack was not
        // detected at 36.6 dB; the same frames as a strip are, at 38.3 dB, with ln p ≈ −182).
        layout: (video: Frames) => (video.frames.length === 1 ? video : stripOf(video)),
        async write(pictures, _fps, record, onFrame) {
          await writeFile(out, addPngText(encodePng(pictures.width, pictures.height, pictures.frames[0]!), provenancePngText(record)));
          onFrame(1, 1);
        },
      };
    case 'y4m':
      return {
        async write(pictures, fps, _record, onFrame) {
          await writeFile(out, encodeY4m(pictures, fps));
          onFrame(pictures.frames.length, pictures.frames.length);
        },
      };
    case 'mp4':
      return {
        async write(pictures, fps, record, onFrame) {
          const metadata = [...provenanceFfmpegArgs(record), '-metadata', `description=${MP4_DESCRIPTION}`, '-metadata', `date=${record.created}`];
          await writeMp4(out, pictures, fps, metadata);
          onFrame(pictures.frames.length, pictures.frames.length);
        },
      };
  }
}

/** All frames side by side as one picture. */
function stripOf(video: Frames): Frames {
  const sheet = contactSheet(video, video.frames.length);
  return { width: sheet.width, height: sheet.height, frames: [sheet.rgba] };
}
