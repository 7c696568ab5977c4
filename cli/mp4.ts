/** MP4 through the system's ffmpeg (H.264): the CLI's only external tool, used only for .mp4. */
import { spawn, spawnSync } from 'node:child_process';
import type { Frames } from '../src/media/upscale';

/** Thrown when ffmpeg is absent or fails; the message is one line a person can act on. */
export class Mp4Error extends Error {
  override readonly name = 'Mp4Error';
}

/** True when an `ffmpeg` binary runs. */
export function hasFfmpeg(): boolean {
  return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
}

/** Throws Mp4Error unless an `ffmpeg` binary runs; the CLI asks before loading the model. */
export function assertFfmpeg(): void {
  if (!hasFfmpeg()) throw new Mp4Error('.mp4 needs ffmpeg on PATH (apt-get install ffmpeg); use --out clip.y4m or image.png instead');
}

/**
 * Pipes raw RGBA frames into ffmpeg, which writes an H.264 MP4 (yuv420p, playable everywhere).
 * `metadataArgs` are ffmpeg output options such as `-metadata comment=…` (the provenance record).
 */
export async function writeMp4(path: string, video: Frames, fps: number, metadataArgs: readonly string[] = []): Promise<void> {
  assertFfmpeg();
  if (video.width % 2 || video.height % 2) throw new Mp4Error(`H.264 needs even sizes, got ${video.width}x${video.height}; use an even --scale`);
  const args = [
    '-y', '-loglevel', 'error',
    '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${video.width}x${video.height}`, '-r', String(fps), '-i', '-',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '16', '-movflags', '+faststart',
    // swscale converts with BT.601; say so, or players guess BT.709 and shift the colours.
    '-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m',
    ...metadataArgs,
    path,
  ];
  const child = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.on('error', () => undefined); // ffmpeg exiting early is reported by its exit code
  for (const frame of video.frames) child.stdin.write(frame);
  child.stdin.end();
  const code = await exit;
  if (code !== 0) throw new Mp4Error(`ffmpeg failed (exit ${code}): ${stderr.trim().split('\n')[0] ?? ''}`);
}
