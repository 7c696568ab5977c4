/**
 * Plain tensors (the runner port's, src/pipeline/modelRunner.ts) to and from onnxruntime's, for both
 * runtimes: onnxruntime-web and -node share the `Tensor` shape, so one module says which element
 * types cross the port and how a type the port does not carry is refused.
 */
import type { NamedTensors, Tensor } from '../pipeline/modelRunner';

/** The element type onnxruntime needs for a plain tensor. */
export function elementType(tensor: Tensor): 'float32' | 'int64' {
  return tensor.data instanceof BigInt64Array ? 'int64' : 'float32';
}

/** What the runners read of an onnxruntime output tensor. */
export interface OrtValue {
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
}

/** One output as a plain tensor; an element type the port does not carry is a broken pack, said with role and name. */
export function plainTensor(value: OrtValue, role: string, name: string): Tensor {
  if (value.type === 'float32') return { data: value.data as Float32Array, dims: [...value.dims] };
  if (value.type === 'int64') return { data: value.data as BigInt64Array, dims: [...value.dims] };
  throw new TypeError(`the ${role} graph's output "${name}" is ${value.type}; runners pass float32 and int64 tensors only`);
}

/** Every output of a run as plain tensors. */
export function plainTensors(outputs: Readonly<Record<string, OrtValue>>, role: string): NamedTensors {
  return Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, plainTensor(value, role, name)]));
}
