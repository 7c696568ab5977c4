/** Checks on what wan2.1's graphs return: a graph giving the wrong shape is a broken pack, said with its role. */
import { PipelineError } from '../../pipeline/errors';
import type { Tensor32 } from '../../pipeline/modelRunner';

/** Asserts that `tensor` has `expected` dims and as many values. */
export function expectDims(role: string, tensor: Tensor32, expected: readonly number[]): void {
  const size = expected.reduce((a, b) => a * b, 1);
  if (tensor.dims.join() !== expected.join() || tensor.data.length !== size) {
    throw new PipelineError('model-output', `the ${role} graph returned [${tensor.dims.join(', ')}], expected [${expected.join(', ')}]`);
  }
}
