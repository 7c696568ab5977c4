/**
 * P6, seconds per clip, estimated from components measured one at a time (bench/wanCostChild.ts):
 * the text encoder once per prompt (twice with CFG: prompt and negative prompt), the DiT once per row
 * per step (two rows with CFG), the VAE decode once. A DiT measured at fewer latent frames than the
 * clip is scaled up by its tokens (linear: its attention grows faster than that, so the scaled figure
 * is a lower bound); a VAE decode measured over fewer latent frames is extended by its mean step run
 * (every latent frame after the first runs the same step graph on the same shapes). The estimate says
 * when either happened.
 */
import type { WanSampler } from './wanCostConfig';

/** The DiT's warm seconds for one forward and the tokens they were measured at. */
export interface DitSeconds {
  readonly seconds: number;
  readonly tokens: number;
}

/** The VAE's warm runs: the first-frame graph once, then each step graph run. */
export interface VaeRuns {
  readonly firstSeconds: number;
  readonly stepSeconds: readonly number[];
}

export interface ClipEstimate {
  readonly sampler: string;
  readonly textEncoderRuns: number;
  readonly ditRuns: number;
  readonly seconds: number;
  readonly parts: { readonly text: number; readonly dit: number; readonly vae: number };
  /** True when the DiT was measured at fewer tokens than the clip has and scaled. */
  readonly ditScaled: boolean;
  /** True when the VAE decoded fewer latent frames than the clip has and was extended by its step. */
  readonly vaeExtended: boolean;
}

/** The DiT forward at `tokens`, from one measured at `measured.tokens` (linear in tokens). */
export function ditAtTokens(measured: DitSeconds, tokens: number): number {
  if (!(measured.tokens > 0) || !(tokens > 0)) throw new RangeError(`token counts must be positive (measured ${measured.tokens}, clip ${tokens})`);
  return measured.seconds * (tokens / measured.tokens);
}

/** The decode of `latentFrames` latent frames: the first graph once and the mean step `latentFrames - 1` times. */
export function vaeAtFrames(runs: VaeRuns, latentFrames: number): number {
  if (!Number.isInteger(latentFrames) || latentFrames < 1) throw new RangeError(`latent frames must be a positive integer, got ${latentFrames}`);
  if (latentFrames > 1 && runs.stepSeconds.length === 0) throw new RangeError(`no step run was measured, so ${latentFrames} latent frames cannot be estimated`);
  const meanStep = runs.stepSeconds.reduce((sum, s) => sum + s, 0) / Math.max(1, runs.stepSeconds.length);
  return runs.firstSeconds + (latentFrames - 1) * meanStep;
}

/** The clip's seconds under `sampler`: the text encoder (at its measured prompt), the DiT and the VAE at the clip's size. */
export function estimateClip(
  sampler: WanSampler,
  textSeconds: number,
  dit: DitSeconds,
  vae: VaeRuns,
  clip: { readonly ditTokens: number; readonly latentFrames: number },
): ClipEstimate {
  if (!Number.isInteger(sampler.steps) || sampler.steps < 1) throw new RangeError(`steps must be a positive integer, got ${sampler.steps}`);
  const rows = sampler.cfg ? 2 : 1;
  const parts = {
    text: rows * textSeconds,
    dit: sampler.steps * rows * ditAtTokens(dit, clip.ditTokens),
    vae: vaeAtFrames(vae, clip.latentFrames),
  };
  return {
    sampler: sampler.name,
    textEncoderRuns: rows,
    ditRuns: sampler.steps * rows,
    seconds: parts.text + parts.dit + parts.vae,
    parts,
    ditScaled: dit.tokens !== clip.ditTokens,
    vaeExtended: vae.stepSeconds.length + 1 !== clip.latentFrames,
  };
}
