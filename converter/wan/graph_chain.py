"""Join single-input, single-output ONNX graphs end to end into one graph.

The text encoder is exported one layer at a time (so a 5.7B-parameter umT5 never sits in memory in
float32) and each layer quantised at once; this puts the layers back together as one graph with the
pack's input and output names. Each piece's names get a `p<i>/` prefix so they cannot collide.
"""
from __future__ import annotations

from typing import Sequence

import onnx
from onnx import helper


def _rename_in_place(graph: onnx.GraphProto, prefix: str, input_name: str, output_name: str) -> None:
    (source,) = [i.name for i in graph.input if i.name not in {t.name for t in graph.initializer}]
    (sink,) = [o.name for o in graph.output]

    def mapped(name: str) -> str:
        if not name:
            return name
        if name == source:
            return input_name
        if name == sink:
            return output_name
        return prefix + name

    for node in graph.node:
        node.name = prefix + node.name
        node.input[:] = [mapped(n) for n in node.input]
        node.output[:] = [mapped(n) for n in node.output]
    for tensor in graph.initializer:
        tensor.name = mapped(tensor.name)
    for info in graph.value_info:
        info.name = mapped(info.name)


def chain(pieces: Sequence[onnx.ModelProto], input_info: onnx.ValueInfoProto,
          output_info: onnx.ValueInfoProto, name: str) -> onnx.ModelProto:
    """pieces[0] feeds pieces[1] ... ; the result reads `input_info` and writes `output_info`.
    Each piece is emptied as it is moved in, so the weights are never held twice."""
    graph = helper.make_graph([], name, [input_info], [output_info])
    opsets = {}
    previous = input_info.name
    for i, piece in enumerate(pieces):
        out_name = output_info.name if i == len(pieces) - 1 else f"p{i}/output"
        _rename_in_place(piece.graph, f"p{i}/", previous, out_name)
        graph.node.extend(piece.graph.node)
        graph.value_info.extend(piece.graph.value_info)
        for tensor in piece.graph.initializer:
            graph.initializer.add().CopyFrom(tensor)
            tensor.Clear()
        piece.graph.Clear()
        for opset in piece.opset_import:
            opsets[opset.domain] = max(opsets.get(opset.domain, 0), opset.version)
        previous = out_name
    return helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in sorted(opsets.items())],
                             producer_name="tessera-wan-converter")
