"""Saving an ONNX graph with its weights in external-data shards that a browser can hold.

Rules (docs/model-pack.md, "Wan2.1"): shards `<graph>.onnx.data.N` of at most `max_shard_bytes`
(1 GiB by default), each tensor wholly inside one shard, and no tensor over 128 MiB (WebGPU's default
maxStorageBufferBindingSize). The graph file itself must stay under protobuf's 2 GiB.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List

import onnx
from onnx import numpy_helper

MAX_TENSOR_BYTES = 128 * 1024 * 1024
MAX_SHARD_BYTES = 1024 * 1024 * 1024
MAX_GRAPH_BYTES = 2 * 1024 * 1024 * 1024
ALIGNMENT = 64  # tensor offsets inside a shard


class ShardingError(ValueError):
    """A graph whose weights cannot be laid out within the pack's buffer limits."""


@dataclass
class SavedGraph:
    graph_file: str
    shard_files: List[str]
    largest_tensor_bytes: int


def _tensor_bytes(tensor: onnx.TensorProto) -> bytes:
    if tensor.HasField("raw_data"):
        return tensor.raw_data
    return numpy_helper.to_array(tensor).tobytes()


def save_sharded(model: onnx.ModelProto, folder: str, graph_file: str, max_shard_bytes: int = MAX_SHARD_BYTES,
                 max_tensor_bytes: int = MAX_TENSOR_BYTES, min_external_bytes: int = 1024) -> SavedGraph:
    """Move every initializer of `min_external_bytes` or more into shards and write the graph file."""
    shard_files: List[str] = []
    handle = None
    used = 0
    largest = 0
    try:
        for tensor in model.graph.initializer:
            data = _tensor_bytes(tensor)
            largest = max(largest, len(data))
            if len(data) > max_tensor_bytes:
                raise ShardingError(f"{graph_file}: weight {tensor.name!r} is {len(data):,} bytes; no tensor may exceed "
                                    f"{max_tensor_bytes:,} (the WebGPU storage-binding limit)")
            if len(data) < min_external_bytes:
                continue
            if len(data) > max_shard_bytes:
                raise ShardingError(f"{graph_file}: weight {tensor.name!r} ({len(data):,} bytes) does not fit in a "
                                    f"shard of {max_shard_bytes:,} bytes")
            offset = -(-used // ALIGNMENT) * ALIGNMENT
            if handle is None or offset + len(data) > max_shard_bytes:
                if handle is not None:
                    handle.close()
                shard_files.append(f"{graph_file}.data.{len(shard_files)}")
                handle = open(os.path.join(folder, shard_files[-1]), "wb")
                used = offset = 0
            handle.write(b"\0" * (offset - used))
            handle.write(data)
            used = offset + len(data)
            tensor.ClearField("raw_data")
            for field in ("float_data", "int32_data", "int64_data", "double_data", "uint64_data", "string_data"):
                tensor.ClearField(field)
            del tensor.external_data[:]
            for key, value in (("location", shard_files[-1]), ("offset", str(offset)), ("length", str(len(data)))):
                entry = tensor.external_data.add()
                entry.key, entry.value = key, value
            tensor.data_location = onnx.TensorProto.EXTERNAL
    finally:
        if handle is not None:
            handle.close()
    serialized = model.SerializeToString()
    if len(serialized) >= MAX_GRAPH_BYTES:
        raise ShardingError(f"{graph_file}: graph protobuf is {len(serialized):,} bytes, over the 2 GiB limit")
    with open(os.path.join(folder, graph_file), "wb") as out:
        out.write(serialized)
    # Checked from the file, once its weights are external: a ModelProto over 2 GiB cannot be checked in memory.
    onnx.checker.check_model(os.path.join(folder, graph_file))
    return SavedGraph(graph_file, shard_files, largest)


def largest_initializer_bytes(model: onnx.ModelProto) -> int:
    return max((len(_tensor_bytes(t)) for t in model.graph.initializer), default=0)
