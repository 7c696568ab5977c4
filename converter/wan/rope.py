"""Wan2.1's 3-D rotary position tables as real cos/sin arrays.

The official code builds complex float64 tables and multiplies query/key pairs by them; a browser
graph has neither complex numbers nor float64, so Tessera feeds the DiT graph precomputed fp32
cos/sin tables instead (`rope_cos`, `rope_sin` inputs of dit.onnx). TypeScript computes the same
tables at run time (src/architectures/wan21/); test/fixtures/wan21/rope-golden.json, written by
`write_golden`, keeps the two in step.

Formula (docs/wan-parity.md and the shared contract): the head_dim/2 rotation frequencies are split
into t, h, w groups of d_t/2, d_h/2, d_w/2 with d_h = d_w = 2*(head_dim//6), d_t = head_dim - 2*d_h.
Axis frequency k is theta**(-2k/d_axis); a token's angle is its position on that axis times the
frequency. Tokens are ordered (t, h, w) row-major, t slowest. The rotation acts on consecutive pairs
(x[2i], x[2i+1]) of each head, as the official complex multiply does.
"""
from __future__ import annotations

import json
from typing import Tuple

import numpy as np


def axis_dims(head_dim: int) -> Tuple[int, int, int]:
    """Per-axis rotary widths (d_t, d_h, d_w) of one attention head."""
    if head_dim <= 0 or head_dim % 2 != 0:
        raise ValueError(f"head_dim must be a positive even number, got {head_dim}")
    d_h = 2 * (head_dim // 6)
    d_t = head_dim - 2 * d_h
    return d_t, d_h, d_h


def _axis_angles(positions: int, d_axis: int, theta: float) -> np.ndarray:
    """[positions, d_axis/2] angles, in float64 like the official tables, so only the final cast rounds."""
    k = np.arange(0, d_axis, 2, dtype=np.float64)
    freqs = 1.0 / (theta ** (k / d_axis))
    return np.outer(np.arange(positions, dtype=np.float64), freqs)


def rope_tables(
    head_dim: int,
    frames: int,
    height_tokens: int,
    width_tokens: int,
    theta: float = 10000.0,
) -> Tuple[np.ndarray, np.ndarray]:
    """cos and sin tables, float32 [frames*height_tokens*width_tokens, head_dim/2], token order (t, h, w)."""
    for name, value in (("frames", frames), ("height_tokens", height_tokens), ("width_tokens", width_tokens)):
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}")
    d_t, d_h, d_w = axis_dims(head_dim)
    t = _axis_angles(frames, d_t, theta)
    h = _axis_angles(height_tokens, d_h, theta)
    w = _axis_angles(width_tokens, d_w, theta)
    grid = (frames, height_tokens, width_tokens)
    angles = np.concatenate(
        [
            np.broadcast_to(t[:, None, None, :], grid + (t.shape[1],)),
            np.broadcast_to(h[None, :, None, :], grid + (h.shape[1],)),
            np.broadcast_to(w[None, None, :, :], grid + (w.shape[1],)),
        ],
        axis=-1,
    ).reshape(frames * height_tokens * width_tokens, head_dim // 2)
    return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)


def write_golden(path: str, head_dim: int = 16, frames: int = 2, height_tokens: int = 2, width_tokens: int = 3) -> None:
    """Write the small golden case the TypeScript rope tests compare against."""
    cos, sin = rope_tables(head_dim, frames, height_tokens, width_tokens)
    golden = {
        "description": "converter/wan/rope.py rope_tables output; regenerate with "
        "/usr/bin/python3 converter/wan/rope.py test/fixtures/wan21/rope-golden.json",
        "headDim": head_dim,
        "frames": frames,
        "heightTokens": height_tokens,
        "widthTokens": width_tokens,
        "theta": 10000.0,
        "shape": list(cos.shape),
        "cos": [float(v) for v in cos.reshape(-1)],
        "sin": [float(v) for v in sin.reshape(-1)],
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        raise SystemExit("usage: /usr/bin/python3 converter/wan/rope.py OUT.json")
    write_golden(sys.argv[1])
