/**
 * Classifier-free guidance: v = v_neg + scale·(v_cond − v_neg). Scale 1 is the conditional
 * prediction alone, 0 the negative/unconditional one; above 1 pushes away from the negative prompt.
 */
export function applyGuidance(cond: Float32Array, neg: Float32Array, scale: number): Float32Array {
  if (cond.length !== neg.length) throw new RangeError(`guidance: ${cond.length} conditional values but ${neg.length} negative ones`);
  const out = new Float32Array(cond.length);
  for (let i = 0; i < cond.length; i++) out[i] = neg[i]! + scale * (cond[i]! - neg[i]!);
  return out;
}
