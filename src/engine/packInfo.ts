/** The part of a manifest the page shows and fits its form to. */
import type { Manifest } from '../models/manifest';
import type { Architecture } from '../pipeline/architecture';
import type { PackInfo } from './protocol';

/** A manifest and its architecture → the plain PackInfo that crosses to the page. */
export function packInfo(manifest: Manifest, architecture: Pick<Architecture, 'expandPrompt' | 'encode'>): PackInfo {
  return {
    name: manifest.name,
    version: manifest.version,
    dtype: manifest.dtype,
    description: manifest.description,
    ...(manifest.license === undefined ? {} : { license: manifest.license }),
    fps: manifest.video.fps,
    sizes: manifest.video.sizes,
    frameCounts: manifest.video.frameCounts,
    defaultSteps: manifest.scheduler.steps,
    defaultGuidance: manifest.scheduler.guidance,
    temporalCompression: manifest.latent.temporalCompression,
    ...(manifest.video.decoderUpscale === undefined ? {} : { decoderUpscale: manifest.video.decoderUpscale }),
    promptExpansion: architecture.expandPrompt !== undefined,
    sourceModes: architecture.encode !== undefined,
  };
}
