/** The live preview sent while denoising: every latent frame's RGB projection side by side. */
import type { Manifest } from '../models/manifest';
import { latentPreview } from '../pipeline/preview';
import type { StepEndEvent } from '../pipeline/textToVideo';
import type { PreviewImage } from './protocol';

/** One RGBA image of the step's latents, frames left to right, through the pack's latent → RGB map. */
export function previewImage(event: StepEndEvent, preview: Manifest['preview']): PreviewImage {
  const projected = latentPreview(event.latents, preview);
  const count = projected.frames.length;
  const width = projected.width * count;
  const rgba = new Uint8ClampedArray(width * projected.height * 4);
  projected.frames.forEach((frame, f) => {
    for (let y = 0; y < projected.height; y++) {
      rgba.set(frame.subarray(y * projected.width * 4, (y + 1) * projected.width * 4), (y * width + f * projected.width) * 4);
    }
  });
  return { step: event.step, width, height: projected.height, rgba };
}
