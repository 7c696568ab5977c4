"""Weight-only int8 quantisation of an ONNX graph, without onnxruntime's Python tools.

Each large float weight feeding a MatMul, Gemm, Conv or Gather becomes an int8 initializer with a
per-output-channel scale and a DequantizeLinear node (opset 13+), so the file shrinks about 4x while
activations stay float32 — the path onnxruntime-web runs on WASM and on WebGPU without shader-f16.
"""
import numpy as np
import onnx
from onnx import helper, numpy_helper

MIN_ELEMENTS = 1024  # small tensors (biases, norms) stay float: they cost little and matter most
WEIGHT_INPUT = {"MatMul": 1, "Gemm": 1, "Conv": 1, "Gather": 0}


def channel_axis(op, node, array):
    """The axis whose slices get their own scale: the output channels of the weight."""
    if op == "Conv":
        return 0
    if op == "Gemm":
        trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
        return 0 if trans_b else 1
    if op == "Gather":
        return 0
    return array.ndim - 1


def quantize_int8(src, dst):
    model = onnx.load(src)
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    consumers = {}
    for node in graph.node:
        for i, name in enumerate(node.input):
            consumers.setdefault(name, []).append((node, i))
    new_nodes = []
    for name, init in list(initializers.items()):
        uses = consumers.get(name, [])
        if init.data_type != onnx.TensorProto.FLOAT or not uses:
            continue
        if not all(WEIGHT_INPUT.get(n.op_type) == i for n, i in uses):
            continue
        array = numpy_helper.to_array(init)
        if array.size < MIN_ELEMENTS:
            continue
        axis = channel_axis(uses[0][0].op_type, uses[0][0], array)
        reduce_axes = tuple(a for a in range(array.ndim) if a != axis)
        scale = np.maximum(np.abs(array).max(axis=reduce_axes), 1e-8) / 127.0
        shape = [1] * array.ndim
        shape[axis] = -1
        q = np.clip(np.round(array / scale.reshape(shape)), -127, 127).astype(np.int8)
        graph.initializer.remove(init)
        graph.initializer.extend([
            numpy_helper.from_array(q, name + "_int8"),
            numpy_helper.from_array(scale.astype(np.float32), name + "_scale"),
            numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), name + "_zero"),
        ])
        new_nodes.append(helper.make_node("DequantizeLinear", [name + "_int8", name + "_scale", name + "_zero"],
                                          [name], name=name + "_dequantize", axis=axis))
    # Dequantize nodes read only initializers, so putting them first keeps the graph topologically sorted.
    nodes = new_nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
