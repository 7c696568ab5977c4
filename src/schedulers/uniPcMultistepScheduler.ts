/**
 * UniPC multistep sampler (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast
 * Sampling of Diffusion Models") for flow-prediction models, in the configuration Wan2.1's Diffusers
 * `scheduler_config.json` names: solver order 2, B(h) = e^h − 1 ("bh2"), data prediction (x_0),
 * lower order on the last step, final time 0, flow sigmas with a shift.
 *
 * With x_t = (1 − σ)·x_0 + σ·noise the model's velocity v = noise − x_0 gives the data prediction
 * m = x − σ·v, and in log-SNR λ = ln((1 − σ)/σ) the exact solution from s to t is
 * x_t = (σ_t/σ_s)·x_s + (1 − σ_t)·∫ e^{−(λ_t − λ)} m dλ. Each step
 *   1. (UniC) corrects the sample it is given, once the model's prediction at it is known, by
 *      re-solving the previous step from the sample that step started from with the new prediction
 *      added to the interpolation (order + 1 accurate);
 *   2. (UniP) predicts the next sample from the last predictions (order 2 = this one and the one
 *      before; order 1 on the first step, the warm-up, and on the last step).
 * The last step (σ = 0) returns the data prediction itself.
 *
 * The grid and the model's times follow Diffusers (checked against it in test/unit/
 * uniPcMultistepScheduler.test.ts): σ_i = shift(1 − i·0.999/steps) for i < steps, then 0, with σ_0
 * = 1 − 10⁻⁶ so that λ_0 stays finite, and σ held in float32. The model is told ⌊1000·σ_i⌋/1000:
 * Diffusers and the official Wan code hand the DiT integer timesteps.
 *
 * Conditioning hooks (src/pipeline/conditioning.ts) may rewrite parts of the sample between steps.
 * The corrector does not read the rewritten sample: it rebuilds it from the previous step's starting
 * sample, so rewritten values hold only while the model sees them and are replaced by the
 * corrected ones; everything is elementwise, so no other value depends on them. Hooks that put
 * their values back after every step (known frames, tied frames) therefore work as with Euler, but
 * every step must see the values in the same places (see docs/wan-parity.md, "Samplers").
 */
import { checkShift, checkStep, noiseTo, type FlowScheduleConfig } from './flowMatchSchedule';
import type { Scheduler } from './scheduler';

/** The training schedule's length: the grid ends at 1/1000 before the final 0, model times are k/1000. */
const TRAIN_TIMESTEPS = 1000;
/** How far below 1 the first σ is moved, as in Diffusers, so that ln(1 − σ_0) is finite. */
const FIRST_SIGMA_EPSILON = 1e-6;

/** One remembered step: its index in the schedule and the data prediction made there. */
interface PastStep {
  readonly index: number;
  readonly prediction: Float32Array;
}

export class UniPcMultistepScheduler implements Scheduler {
  /** Deterministic: the model's predictions alone move the sample. */
  readonly needsNoise = false;
  /** σ_0 … σ_steps (σ_steps = 0), float32 values like the reference. */
  private sigmas: number[] = [];
  private modelTimes: number[] = [];
  /** Data predictions of the last two steps, oldest first. */
  private history: PastStep[] = [];
  /** The sample the last predictor started from, and the order it used: what the corrector re-solves. */
  private lastSample: Float32Array | undefined;
  private lastOrder = 0;
  private nextIndex = 0;

  constructor(private readonly config: FlowScheduleConfig) {
    checkShift(config.shift);
  }

  get timesteps(): readonly number[] {
    return this.modelTimes;
  }

  get times(): readonly number[] {
    return this.sigmas;
  }

  /**
   * A new schedule and an empty history: a sampler is reused only from its first step. The pack's
   * explicit times replace the grid when there are exactly `steps` of them. With `startTime` < 1
   * (SDEdit) the schedule begins exactly at startTime and keeps the σ below it.
   */
  setTimesteps(steps: number, startTime = 1): void {
    if (!(startTime >= 0 && startTime <= 1)) throw new RangeError(`startTime must be in [0, 1], got ${startTime}`);
    const explicit = this.config.times?.length === steps ? this.config.times : undefined;
    const grid = explicit ? withFiniteStart([...explicit, 0]) : uniPcSigmas(steps, this.config.shift);
    const below = startTime === 1 ? grid : grid.filter((sigma) => sigma < startTime);
    const start = startTime === 1 ? [] : [startTime];
    this.sigmas = [...start, ...below.map(Math.fround)];
    this.modelTimes = [...start, ...below].slice(0, -1).map((sigma) => Math.floor(sigma * TRAIN_TIMESTEPS) / TRAIN_TIMESTEPS);
    this.history = [];
    this.lastSample = undefined;
    this.lastOrder = 0;
    this.nextIndex = 0;
  }

  scaleNoise(sample: Float32Array, t: number, noise: Float32Array): Float32Array {
    return noiseTo(sample, t, noise);
  }

  /** Steps must come in order 0, 1, 2, …: the sampler carries the earlier predictions over. */
  step(modelOutput: Float32Array, index: number, sample: Float32Array): Float32Array {
    checkStep(this.sigmas, index, modelOutput, sample);
    if (index !== this.nextIndex) throw new RangeError(`UniPC is multistep: expected step ${this.nextIndex}, got ${index}; call setTimesteps to start again`);
    const sigma = this.sigmas[index]!;
    const prediction = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) prediction[i] = sample[i]! - sigma * modelOutput[i]!;

    const corrected = this.lastSample ? this.correct(prediction, index) : sample;
    this.history = [...this.history, { index, prediction }].slice(-2);
    const lastStep = this.sigmas.length - 2;
    // Order 2 needs a previous prediction (warm-up) and is lowered to 1 on the final step.
    const order = this.history.length === 2 && index < lastStep ? 2 : 1;
    this.lastSample = corrected;
    this.lastOrder = order;
    this.nextIndex = index + 1;
    return this.predict(corrected, index, order);
  }

  /** UniP-`order` from σ_index to σ_index+1, starting at `sample`. */
  private predict(sample: Float32Array, index: number, order: number): Float32Array {
    const current = this.history.at(-1)!.prediction;
    const previous = order === 2 ? this.history.at(-2)! : undefined;
    const coefficients = stepCoefficients(this.sigmas[index]!, this.sigmas[index + 1]!);
    const out = new Float32Array(sample.length);
    if (!previous) {
      for (let i = 0; i < out.length; i++) out[i] = coefficients.keep * sample[i]! + coefficients.predicted * current[i]!;
      return out;
    }
    // Second order: the slope between the two predictions, with weight ½ (the bh2 choice for p = 2).
    const r = (this.lambda(previous.index) - this.lambda(index)) / coefficients.h;
    const slope = (-coefficients.alpha * coefficients.bh * 0.5) / r;
    for (let i = 0; i < out.length; i++) {
      out[i] = coefficients.keep * sample[i]! + coefficients.predicted * current[i]! + slope * (previous.prediction[i]! - current[i]!);
    }
    return out;
  }

  /** UniC: the previous step re-solved from `lastSample` with the prediction `fresh` at σ_index. */
  private correct(fresh: Float32Array, index: number): Float32Array {
    const last = this.lastSample!;
    const [older, previous] = this.history.length === 2 ? this.history : [undefined, this.history[0]!];
    const coefficients = stepCoefficients(this.sigmas[index - 1]!, this.sigmas[index]!);
    const { h, alpha, bh } = coefficients;
    const hh = -h;
    // b_k = hφ_{k+1}·k!/B(h), φ from the UniC derivation: b_1 = (hφ_1/hh − 1)/B, b_2 = 2·((hφ_1/hh − 1)/hh − ½)/B.
    const phi2 = Math.expm1(hh) / hh - 1;
    const b1 = phi2 / bh;
    const b2 = (2 * (phi2 / hh - 0.5)) / bh;
    let weightFresh: number;
    let weightOlder = 0;
    let r = 1;
    if (this.lastOrder === 2 && older) {
      // Solve [1 1; r 1]·(ρ_older, ρ_fresh) = (b_1, b_2).
      r = (this.lambda(older.index) - this.lambda(index - 1)) / h;
      weightOlder = (b1 - b2) / (1 - r);
      weightFresh = b1 - weightOlder;
    } else {
      weightFresh = 0.5;
    }
    const base = previous!.prediction;
    const out = new Float32Array(last.length);
    for (let i = 0; i < out.length; i++) {
      const olderSlope = older && weightOlder !== 0 ? (older.prediction[i]! - base[i]!) / r : 0;
      const freshSlope = fresh[i]! - base[i]!;
      out[i] = coefficients.keep * last[i]! + coefficients.predicted * base[i]! - alpha * bh * (weightOlder * olderSlope + weightFresh * freshSlope);
    }
    return out;
  }

  private lambda(index: number): number {
    return logSnr(this.sigmas[index]!);
  }
}

/** λ = ln(α/σ) with α = 1 − σ; +∞ at σ = 0. */
function logSnr(sigma: number): number {
  return Math.log(1 - sigma) - Math.log(sigma);
}

/**
 * The first-order (exponential integrator) step from σ_s to σ_t in data prediction:
 * x_t = keep·x_s + predicted·m with keep = σ_t/σ_s and predicted = −α_t·(e^{−h} − 1); `bh` is B(h) for bh2.
 */
function stepCoefficients(sigmaS: number, sigmaT: number): { h: number; alpha: number; keep: number; predicted: number; bh: number } {
  const h = logSnr(sigmaT) - logSnr(sigmaS);
  const alpha = 1 - sigmaT;
  const hPhi1 = Math.expm1(-h);
  return { h, alpha, keep: sigmaT / sigmaS, predicted: -alpha * hPhi1, bh: hPhi1 };
}

/**
 * σ_0 … σ_steps in float64, before the float32 rounding: shift(1 − i·(1 − 1/1000)/steps) for
 * i < steps (σ_0 moved to 1 − 10⁻⁶ when it is 1), then 0. The model's times are ⌊1000·σ⌋ of these.
 */
export function uniPcSigmas(steps: number, shift: number): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  // i·Δ + 1 with Δ computed first, as numpy's linspace rounds, so ⌊1000·σ⌋ agrees at the edges.
  const delta = (1 / TRAIN_TIMESTEPS - 1) / steps;
  const grid = Array.from({ length: steps }, (_, i) => {
    const s = i * delta + 1;
    return (shift * s) / (1 + (shift - 1) * s);
  });
  return withFiniteStart([...grid, 0]);
}

/** The σ with a first σ of (about) 1 moved to 1 − 10⁻⁶, so that λ_0 = ln((1 − σ_0)/σ_0) is finite. */
function withFiniteStart(sigmas: number[]): number[] {
  if (Math.abs(sigmas[0]! - 1) < FIRST_SIGMA_EPSILON) sigmas[0] = sigmas[0]! - FIRST_SIGMA_EPSILON;
  return sigmas;
}
