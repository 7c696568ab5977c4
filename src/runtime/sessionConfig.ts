/**
 * Session settings both runtimes share (onnxruntime-web and onnxruntime-node), so the browser and
 * its native reference run the same graph the same way.
 */

/**
 * Extra session configuration entries (`SessionOptions.extra`).
 *
 * `session.disable_quant_qdq`: int8 packs store weights as DequantizeLinear(int8 initializer).
 * By default onnxruntime keeps those QDQ nodes for its quantized kernels (natively it turns them
 * into MatMulNBits with int8 activations: 1.3–1.5× slower than fp32 on these small matrices, and
 * not the graph's fp32 math: with the trained pack the CLI's frames differed from the browser's by
 * up to 25 levels of 255). With the flag, constant folding dequantizes every weight once at load and
 * each run is plain fp32 math, exactly as the graph specifies. Measured by `npm run bench` (P1, P5).
 */
export const SESSION_CONFIG = { session: { disable_quant_qdq: '1' } } as const;
