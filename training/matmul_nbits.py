"""Rewrite an int8 pack graph's DequantizeLinear → MatMul pairs into `com.microsoft` MatMulNBits (8 bits).

Tessera's int8 packs store each MatMul weight as int8 codes with one scale per output column
(DequantizeLinear, axis 1, zero point 0). MatMulNBits holds the same codes as uint8 (code + 128,
its default zero point for 8 bits being 128) in blocks along K, each block with its scale: here
every block of a column repeats the column's scale, so the weights are exactly the pack's.
`accuracy_level` picks the kernel: 0 keeps fp32 activations (weights dequantized by the kernel),
4 quantizes activations to int8 (onnxruntime's integer GEMM; not the graph's fp32 math).

Used by bench/p1Tries.ts to measure the int8 MatMul path; not part of the pack's export.

Usage: /usr/bin/python3 training/matmul_nbits.py IN.onnx OUT.onnx [ACCURACY_LEVEL]
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

MS_DOMAIN = 'com.microsoft'


def block_size_for(k):
    """The largest power of two ≤ 128 that divides K (MatMulNBits wants a power of two ≥ 16)."""
    size = 128
    while size > 16 and k % size:
        size //= 2
    if k % size:
        raise ValueError(f'K={k} has no power-of-two block size from 16 to 128')
    return size


def rewrite(model, accuracy_level):
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    producer = {out: node for node in graph.node for out in node.output}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    count = 0
    for matmul in [node for node in graph.node if node.op_type == 'MatMul']:
        dq = producer.get(matmul.input[1])
        if dq is None or dq.op_type != 'DequantizeLinear' or len(consumers[dq.output[0]]) != 1:
            continue
        codes = numpy_helper.to_array(initializers[dq.input[0]])
        scales = numpy_helper.to_array(initializers[dq.input[1]]).astype(np.float32)
        zeros = numpy_helper.to_array(initializers[dq.input[2]])
        if codes.dtype != np.int8 or codes.ndim != 2 or np.any(zeros != 0):
            continue
        k, n = codes.shape
        block = block_size_for(k)
        blocks = k // block
        packed = (codes.astype(np.int16) + 128).astype(np.uint8).T.reshape(n, blocks, block)
        name = f'{matmul.name}_nbits'
        graph.initializer.extend([
            numpy_helper.from_array(packed, f'{name}_B'),
            numpy_helper.from_array(np.repeat(scales, blocks), f'{name}_scales'),
        ])
        fused = helper.make_node('MatMulNBits', [matmul.input[0], f'{name}_B', f'{name}_scales'], list(matmul.output),
                                 domain=MS_DOMAIN, name=name, K=k, N=n, bits=8, block_size=block, accuracy_level=accuracy_level)
        graph.node.insert(list(graph.node).index(matmul), fused)
        graph.node.remove(matmul)
        graph.node.remove(dq)
        count += 1
    used = {name for node in graph.node for name in node.input}
    for init in [init for init in graph.initializer if init.name not in used]:
        graph.initializer.remove(init)
    if not any(opset.domain == MS_DOMAIN for opset in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return count


def main(source, target, accuracy_level='0'):
    model = onnx.load(source)
    count = rewrite(model, int(accuracy_level))
    onnx.checker.check_model(model)
    onnx.save(model, target)
    print(f'{target}: {count} MatMuls as 8-bit MatMulNBits (accuracy_level {accuracy_level})')


if __name__ == '__main__':
    main(*sys.argv[1:4])
