"""Join separately exported ONNX graphs into one graph.

The text encoder and the DiT are exported one layer at a time (so a 5.7B-parameter umT5 or a 1.4B DiT
never sits in memory in float32 twice) and each piece is quantised at once; this puts the pieces back
together as one graph with the pack's input and output names. Each piece's internal names get a
`p<i>/` prefix so they cannot collide, and each piece is emptied as it is moved in.
"""
from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import onnx
from onnx import helper

# A piece and how its graph inputs/outputs are named in the joined graph.
Piece = Tuple[onnx.ModelProto, Dict[str, str], Dict[str, str]]


def _rename_in_place(graph: onnx.GraphProto, prefix: str, wiring: Dict[str, str]) -> None:
    def mapped(name: str) -> str:
        if not name:
            return name
        return wiring.get(name, prefix + name)

    for node in graph.node:
        node.name = prefix + node.name
        node.input[:] = [mapped(n) for n in node.input]
        node.output[:] = [mapped(n) for n in node.output]
    for tensor in graph.initializer:
        tensor.name = mapped(tensor.name)
    for info in graph.value_info:
        info.name = mapped(info.name)


def compose(pieces: Sequence[Piece], inputs: List[onnx.ValueInfoProto], outputs: List[onnx.ValueInfoProto],
            name: str) -> onnx.ModelProto:
    """Pieces in execution order; each maps its own input and output names to names in the joined graph
    (a joined graph input, or an earlier piece's mapped output)."""
    graph = helper.make_graph([], name, inputs, outputs)
    opsets: Dict[str, int] = {}
    for i, (piece, input_map, output_map) in enumerate(pieces):
        own_inputs = {v.name for v in piece.graph.input} - {t.name for t in piece.graph.initializer}
        own_outputs = {v.name for v in piece.graph.output}
        if set(input_map) != own_inputs or set(output_map) != own_outputs:
            raise ValueError(f"piece {i}: wiring {sorted(input_map)} -> {sorted(output_map)} does not match its graph "
                             f"{sorted(own_inputs)} -> {sorted(own_outputs)}")
        _rename_in_place(piece.graph, f"p{i}/", {**input_map, **output_map})
        graph.node.extend(piece.graph.node)
        graph.value_info.extend(piece.graph.value_info)
        for tensor in piece.graph.initializer:
            graph.initializer.add().CopyFrom(tensor)
            tensor.Clear()
        piece.graph.Clear()
        for opset in piece.opset_import:
            opsets[opset.domain] = max(opsets.get(opset.domain, 0), opset.version)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in sorted(opsets.items())],
                             producer_name="tessera-wan-converter")


def chain(pieces: Sequence[onnx.ModelProto], input_info: onnx.ValueInfoProto,
          output_info: onnx.ValueInfoProto, name: str) -> onnx.ModelProto:
    """Single-input, single-output pieces end to end: pieces[0] feeds pieces[1] ..."""
    wired: List[Piece] = []
    previous = input_info.name
    for i, piece in enumerate(pieces):
        (source,) = {v.name for v in piece.graph.input} - {t.name for t in piece.graph.initializer}
        (sink,) = [o.name for o in piece.graph.output]
        out_name = output_info.name if i == len(pieces) - 1 else f"p{i}/output"
        wired.append((piece, {source: previous}, {sink: out_name}))
        previous = out_name
    return compose(wired, [input_info], [output_info], name)
