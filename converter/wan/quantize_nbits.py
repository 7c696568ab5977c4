"""Replace float MatMul weights with com.microsoft MatMulNBits (block-quantised 8 or 4 bits).

A Linear layer exported by torch is `MatMul(A, W)` with W a constant float initializer [K, N] (plus an
Add for the bias). MatMulNBits computes `A @ dequant(B)` with, per onnxruntime's contrib-op spec:
- B uint8 [N, k_blocks, blob], k_blocks = ceil(K / block_size), blob = block_size * bits / 8: row n holds
  column n of W quantised along K, codes packed low bits first (4 bits: element 2i in the low nibble);
- scales float32 [N * k_blocks];
- zero_points uint8, [N * k_blocks] for 8 bits, [N * ceil(k_blocks / 2)] for 4 bits (two per byte,
  low nibble first); absent means 2^(bits-1) (symmetric);
- dequant(code) = (code - zero_point) * scale. K is zero-padded to whole blocks.
Activations stay float32.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

import numpy as np
import onnx
from onnx import helper, numpy_helper

MS_DOMAIN = "com.microsoft"


@dataclass
class QuantizedWeight:
    packed: np.ndarray          # uint8 [N, k_blocks, blob]
    scales: np.ndarray          # float32 [N * k_blocks]
    zero_points: np.ndarray | None
    relative_error: float       # ||W - dequant(W)|| / ||W||


def quantize_weight(weight: np.ndarray, bits: int, block_size: int, symmetric: bool) -> QuantizedWeight:
    """Quantise W [K, N] (MatMul's B) blockwise along K (round to nearest). In-place steps keep a
    10240 x 4096 weight at a few passes over memory."""
    if bits not in (4, 8):
        raise ValueError(f"bits must be 4 or 8, got {bits}")
    if block_size < 16 or block_size & (block_size - 1):
        raise ValueError(f"block_size must be a power of two >= 16, got {block_size}")
    k, n = weight.shape
    k_blocks = -(-k // block_size)
    columns = np.zeros((n, k_blocks * block_size), dtype=np.float32)
    columns[:, :k] = np.asarray(weight, dtype=np.float32).T
    blocks = columns.reshape(n, k_blocks, block_size)
    if symmetric:
        mid = 1 << (bits - 1)
        scale = np.abs(blocks).max(axis=2) / (mid - 1)
        scale[scale == 0] = 1.0
        offset = np.full_like(scale, mid)
        q = blocks / scale[..., None]
        np.rint(q, out=q)
        np.clip(q, -(mid - 1), mid - 1, out=q)
    else:
        levels = (1 << bits) - 1
        low = np.minimum(blocks.min(axis=2), 0.0)
        scale = (np.maximum(blocks.max(axis=2), 0.0) - low) / levels
        scale[scale == 0] = 1.0
        offset = np.clip(np.rint(-low / scale), 0, levels)
        q = blocks / scale[..., None]
        np.rint(q, out=q)
        np.clip(q, -offset[..., None], levels - offset[..., None], out=q)
    norm = float(np.linalg.norm(blocks))
    q *= scale[..., None]
    blocks -= q  # the rounding error, in place
    error = float(np.linalg.norm(blocks)) / max(norm, 1e-30)
    q /= scale[..., None]
    q += offset[..., None]
    codes = np.rint(q).astype(np.uint8)
    if bits == 4:
        codes = codes[..., 0::2] | (codes[..., 1::2] << 4)
    zero_points = None
    if not symmetric:
        zero = offset.astype(np.uint8)
        if bits == 4:
            if k_blocks % 2:
                zero = np.concatenate([zero, np.zeros((n, 1), np.uint8)], axis=1)
            zero = zero[:, 0::2] | (zero[:, 1::2] << 4)
        zero_points = zero.reshape(-1)
    return QuantizedWeight(codes, scale.astype(np.float32).reshape(-1), zero_points, error)


def dequantize(q: QuantizedWeight, k: int, bits: int, block_size: int) -> np.ndarray:
    """W [K, N] back from its quantised form (for measuring the error; the runtime does this on the fly)."""
    n, k_blocks, _ = q.packed.shape
    codes = q.packed
    if bits == 4:
        codes = np.stack([codes & 0x0F, codes >> 4], axis=-1).reshape(n, k_blocks, block_size)
    if q.zero_points is None:
        zero = np.full((n, k_blocks), 1 << (bits - 1), np.float32)
    elif bits == 4:
        z = q.zero_points.reshape(n, -1)
        zero = np.stack([z & 0x0F, z >> 4], axis=-1).reshape(n, -1)[:, :k_blocks].astype(np.float32)
    else:
        zero = q.zero_points.reshape(n, k_blocks).astype(np.float32)
    scale = q.scales.reshape(n, k_blocks)
    values = (codes.astype(np.float32) - zero[..., None]) * scale[..., None]
    return values.reshape(n, -1)[:, :k].T


@dataclass
class QuantizeStats:
    replaced: int
    float_bytes: int
    quantized_bytes: int
    max_relative_error: float  # worst ||W - dequant(W)|| / ||W|| over the weights


def quantize_matmuls(model: onnx.ModelProto, bits: int, block_size: int, symmetric: bool,
                     min_elements: int = 0) -> QuantizeStats:
    """Rewrite, in place, every Linear (MatMul or Gemm with a 2-D float initializer as weight) into MatMulNBits."""
    graph = model.graph
    initializers: Dict[str, onnx.TensorProto] = {t.name: t for t in graph.initializer}
    uses: Dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    new_nodes: List[onnx.NodeProto] = []
    dropped: List[str] = []
    added: List[onnx.TensorProto] = []
    stats = QuantizeStats(0, 0, 0, 0.0)
    for node in graph.node:
        weight_name = _linear_weight(node)
        tensor = initializers.get(weight_name) if weight_name else None
        if (tensor is None or len(tensor.dims) != 2 or tensor.data_type != onnx.TensorProto.FLOAT
                or uses.get(weight_name, 0) != 1 or tensor.dims[0] * tensor.dims[1] < min_elements):
            new_nodes.append(node)
            continue
        weight = numpy_helper.to_array(tensor)
        if node.op_type == "Gemm" and _attribute(node, "transB", 0):
            weight = weight.T
        k, n = weight.shape
        q = quantize_weight(weight, bits, block_size, symmetric)
        stats.max_relative_error = max(stats.max_relative_error, q.relative_error)
        base = weight_name.replace("::", "_").replace("/", "_")
        names = [f"{base}_q{bits}", f"{base}_scales"]
        added += [numpy_helper.from_array(q.packed, names[0]), numpy_helper.from_array(q.scales, names[1])]
        if q.zero_points is not None:
            names.append(f"{base}_zero_points")
            added.append(numpy_helper.from_array(q.zero_points, names[2]))
        bias = node.input[2] if node.op_type == "Gemm" and len(node.input) > 2 and node.input[2] else None
        product = f"{base}_product" if bias else node.output[0]
        new_nodes.append(helper.make_node(
            "MatMulNBits", [node.input[0], *names], [product], name=(node.name or base) + "_nbits",
            domain=MS_DOMAIN, K=k, N=n, bits=bits, block_size=block_size))
        if bias:
            new_nodes.append(helper.make_node("Add", [product, bias], list(node.output), name=(node.name or base) + "_bias"))
        dropped.append(weight_name)
        tensor.ClearField("raw_data")  # the float copy goes now, not after the last layer: a 5.7 GB DiT peaks lower
        stats.replaced += 1
        stats.float_bytes += weight.nbytes
        stats.quantized_bytes += q.packed.nbytes + q.scales.nbytes + (
            q.zero_points.nbytes if q.zero_points is not None else 0)
    if not stats.replaced:
        return stats
    keep = [t for t in graph.initializer if t.name not in set(dropped)]
    del graph.initializer[:]
    graph.initializer.extend(keep + added)
    del graph.node[:]
    graph.node.extend(new_nodes)
    if not any(op.domain == MS_DOMAIN for op in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return stats


def _attribute(node: onnx.NodeProto, name: str, default):
    for attribute in node.attribute:
        if attribute.name == name:
            return helper.get_attribute_value(attribute)
    return default


def _linear_weight(node: onnx.NodeProto) -> str | None:
    """The constant-weight input of a Linear layer as torch exports it: MatMul(A, W), or for a 2-D input
    Gemm(A, W, bias) with alpha = beta = 1 and A not transposed."""
    if node.op_type == "MatMul" and len(node.input) == 2:
        return node.input[1]
    if (node.op_type == "Gemm" and _attribute(node, "alpha", 1.0) == 1.0 and _attribute(node, "beta", 1.0) == 1.0
            and not _attribute(node, "transA", 0)):
        return node.input[1]
    return None
