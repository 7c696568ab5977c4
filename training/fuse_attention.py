"""Rewrite an exported graph's attention blocks into one `com.microsoft` MultiHeadAttention node each.

`models.Attention` exports as some twenty small ops per block (q/kv reshapes, transposes, a Split of
the packed kv projection, MatMul, scale, Softmax, MatMul, transpose back). onnxruntime's CPU
kernels (native and WASM) have a fused MultiHeadAttention that takes the projections as they
leave their Linear layers ([batch, tokens, dim]) and returns the block's [batch, tokens, dim]
before the output projection. The rewrite keeps every weight and the projections; it only
replaces the part between them, so the math is the same up to float rounding (the fused kernel
scales q before the product instead of after).

Used by bench/p1Tries.ts to measure the change; not part of the pack's export.

Usage: /usr/bin/python3 training/fuse_attention.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

MS_DOMAIN = 'com.microsoft'


class GraphIndex:
    """Producers, consumers and constant values of a graph's tensors."""

    def __init__(self, graph):
        self.graph = graph
        self.producer = {out: node for node in graph.node for out in node.output}
        self.consumers = {}
        for node in graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)
        self.initializers = {init.name: init for init in graph.initializer}

    def parent(self, node, index, op_type):
        found = self.producer.get(node.input[index])
        if found is None or found.op_type != op_type:
            raise ValueError(f'{node.name}: input {index} is not produced by {op_type}')
        return found

    def only_child(self, node, op_type):
        children = self.consumers.get(node.output[0], [])
        if len(children) != 1 or children[0].op_type != op_type:
            raise ValueError(f'{node.name}: expected one {op_type} consumer')
        return children[0]

    def constant(self, name):
        if name in self.initializers:
            return numpy_helper.to_array(self.initializers[name])
        node = self.producer.get(name)
        if node is not None and node.op_type == 'Constant':
            return numpy_helper.to_array(node.attribute[0].t)
        raise ValueError(f'{name} is not a constant')


def match_attention(index, softmax):
    """The tensors around one attention block, from its Softmax: q [b, n, d], kv [b, m, 2d], the output name."""
    scale = index.parent(softmax, 0, 'Mul')
    scores = index.parent(scale, 0, 'MatMul')
    q_heads = index.parent(scores, 0, 'Transpose')
    q_reshape = index.parent(q_heads, 0, 'Reshape')
    k_transpose = index.parent(scores, 1, 'Transpose')
    k_squeeze = index.parent(k_transpose, 0, 'Squeeze')
    split = index.parent(k_squeeze, 0, 'Split')
    kv_permute = index.parent(split, 0, 'Transpose')
    kv_reshape = index.parent(kv_permute, 0, 'Reshape')
    mix = index.only_child(softmax, 'MatMul')
    back = index.only_child(mix, 'Transpose')
    merged = index.only_child(back, 'Reshape')
    if list(helper.get_attribute_value(kv_permute.attribute[0])) != [2, 0, 3, 1, 4]:
        raise ValueError(f'{kv_permute.name}: not the [b, m, 2, h, d/h] kv layout')
    q_add = index.parent(q_reshape, 0, 'Add')
    bias = next(name for name in q_add.input if name in index.initializers)
    dim = int(index.constant(bias).shape[-1])
    heads = int(index.constant(index.parent(q_reshape, 1, 'Concat').input[2]).reshape(-1)[0])
    return {'q': q_reshape.input[0], 'kv': kv_reshape.input[0], 'out': merged.output[0], 'dim': dim, 'heads': heads}


def remove_dead_nodes(graph):
    """Drop nodes whose outputs nothing reads (the unfused attention ops), until none are left."""
    outputs = {out.name for out in graph.output}
    while True:
        read = {name for node in graph.node for name in node.input} | outputs
        dead = [node for node in graph.node if not any(out in read for out in node.output)]
        if not dead:
            return
        for node in dead:
            graph.node.remove(node)


def fuse_attention(model):
    graph = model.graph
    index = GraphIndex(graph)
    blocks = [match_attention(index, node) for node in graph.node if node.op_type == 'Softmax']
    for number, block in enumerate(blocks):
        split_sizes = f'fused_attention_{number}_split'
        graph.initializer.append(numpy_helper.from_array(np.array([block['dim'], block['dim']], dtype=np.int64), split_sizes))
        key, value = f'fused_attention_{number}_k', f'fused_attention_{number}_v'
        # The block's old output is now made by the fused node; its old producer becomes dead.
        old = index.producer[block['out']]
        old.output[0] = f'{block["out"]}_unfused'
        graph.node.append(helper.make_node('Split', [block['kv'], split_sizes], [key, value], axis=-1, name=f'fused_attention_{number}/Split'))
        graph.node.append(helper.make_node('MultiHeadAttention', [block['q'], key, value], [block['out']],
                                           domain=MS_DOMAIN, num_heads=block['heads'], name=f'fused_attention_{number}/MultiHeadAttention'))
    remove_dead_nodes(graph)
    # Nodes must stay in topological order: the fused nodes were appended last.
    sort_topologically(graph)
    if not any(opset.domain == MS_DOMAIN for opset in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return len(blocks)


def sort_topologically(graph):
    available = {inp.name for inp in graph.input} | {init.name for init in graph.initializer} | {''}
    pending, ordered = list(graph.node), []
    while pending:
        ready = [node for node in pending if all(name in available for name in node.input)]
        if not ready:
            raise ValueError('graph has a cycle or a missing input')
        for node in ready:
            ordered.append(node)
            available.update(node.output)
            pending.remove(node)
    del graph.node[:]
    graph.node.extend(ordered)


def main(source, target):
    model = onnx.load(source)
    count = fuse_attention(model)
    onnx.checker.check_model(model)
    onnx.save(model, target)
    print(f'{target}: {count} attention blocks fused, {len(model.graph.node)} nodes')


if __name__ == '__main__':
    main(*sys.argv[1:3])
