/**
 * What the planner needs to know about a model pack: its frame rate, the frame counts it samples,
 * its temporal compression (frames per latent group), its frame sizes and whether it encodes frames. Plain data, so the app
 * can plan a board from a pack's summary without holding its manifest.
 */
import type { Manifest } from '../models/manifest';
import type { Architecture } from '../pipeline/architecture';

export interface PackCapabilities {
  readonly fps: number;
  /** Frame counts one sampling can produce, ascending (each 1 + g·n). */
  readonly frameCounts: readonly number[];
  /** g: frames per latent group after the first frame. */
  readonly temporalCompression: number;
  /** Frame size per aspect key: what the model samples and encodes at. */
  readonly sizes: Readonly<Record<string, { readonly width: number; readonly height: number }>>;
  /** The decoder's frames are `sizes` times this (manifest video.decoderUpscale); absent: 1. */
  readonly decoderUpscale?: number;
  /**
   * The pack's architecture encodes frames (a VAE encoder), which every segment after the first
   * continues from (extend, connect, image-to-video); false for a pack without one (wan2.1), whose
   * boards are one text card. Absent: true.
   */
  readonly sourceModes?: boolean;
}

/** The capabilities of a checked manifest, and of its architecture when given (whether it encodes frames). */
export function packCapabilities(manifest: Manifest, architecture?: Pick<Architecture, 'encode'>): PackCapabilities {
  return {
    ...(architecture ? { sourceModes: architecture.encode !== undefined } : {}),
    fps: manifest.video.fps,
    frameCounts: [...manifest.video.frameCounts],
    temporalCompression: manifest.latent.temporalCompression,
    sizes: manifest.video.sizes,
    ...(manifest.video.decoderUpscale === undefined ? {} : { decoderUpscale: manifest.video.decoderUpscale }),
  };
}
