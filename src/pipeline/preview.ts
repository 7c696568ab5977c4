/**
 * Cheap live previews: the pack's linear latent → RGB projection (manifest `preview`), applied per
 * latent pixel. No VAE run, so it can follow every denoising step.
 */
import type { PreviewSpec } from '../models/manifest';
import type { Tensor32 } from './modelRunner';

/** RGBA images of each latent frame, at latent resolution (width w, height h). */
export interface LatentPreview {
  readonly width: number;
  readonly height: number;
  /** One RGBA image per latent frame (T of them). */
  readonly frames: Uint8ClampedArray[];
}

/** Projects latents [1, C, T, h, w] to RGBA: rgb = Σ_c latent[c]·weights[c] + bias, clamped to [0, 1]. */
export function latentPreview(latents: Tensor32, preview: PreviewSpec): LatentPreview {
  const [, channels = 0, frames = 0, height = 0, width = 0] = latents.dims;
  if (latents.dims.length !== 5 || channels !== preview.weights.length) {
    throw new RangeError(`preview: latents [${latents.dims.join(', ')}] do not match ${preview.weights.length} preview channels`);
  }
  const plane = height * width;
  const images = Array.from({ length: frames }, () => new Uint8ClampedArray(plane * 4));
  images.forEach((image, f) => {
    for (let p = 0; p < plane; p++) {
      let [r, g, b] = preview.bias;
      for (let c = 0; c < channels; c++) {
        const v = latents.data[(c * frames + f) * plane + p]!;
        const w = preview.weights[c]!;
        r += v * w[0];
        g += v * w[1];
        b += v * w[2];
      }
      // Uint8ClampedArray rounds and clamps on assignment.
      image[p * 4] = r * 255;
      image[p * 4 + 1] = g * 255;
      image[p * 4 + 2] = b * 255;
      image[p * 4 + 3] = 255;
    }
  });
  return { width, height, frames: images };
}
