"""Tessera's own umT5 encoder (Wan2.1's text encoder) in plain torch, exportable to ONNX.

For the converter (converter/wan/convert.py):
    model = UMT5Encoder(json.load(open("text_encoder/config.json")))   # transformers UMT5Config dict
    model.load_state_dict(state_dict, strict=True)   # UMT5EncoderModel keys minus shared.weight and
                                                     # encoder.embed_tokens.weight (the row file holds those)
    export_umt5_onnx(model, "text_encoder.onnx")     # opset 17, dynamic sequence length L

Graph I/O (float32): inputs_embeds [1, L, d_model] -> hidden_states [1, L, d_model].

No attention mask: only the real tokens are run, and the caller pads the result with zero rows to the
context length. Because every bias depends only on relative positions and the official code masks the
padding keys, this equals the official padded run on the real rows (docs/wan-parity.md).
Activations stay fp32 (umT5-XXL overflows fp16).

umT5 differs from T5 in giving every layer its own relative-attention bias table. Attention scores are
not scaled by 1/sqrt(d_kv) (T5's convention), and the FFN is gated GELU with the tanh approximation.
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

UMT5_INPUT_NAMES = ["inputs_embeds"]
UMT5_OUTPUT_NAMES = ["hidden_states"]
# Keys of UMT5EncoderModel that this module leaves to the converter's int8 row file.
EMBEDDING_KEYS = ("shared.weight", "encoder.embed_tokens.weight")


def relative_position_buckets(relative_position: torch.Tensor, num_buckets: int, max_distance: int) -> torch.Tensor:
    """Bidirectional T5 bucket of each relative position (key - query): exact near 0, log-spaced further out."""
    half = num_buckets // 2
    buckets = (relative_position > 0).long() * half
    distance = relative_position.abs()
    max_exact = half // 2
    # Clamped to max_exact so log never sees 0; those distances take the exact branch anyway.
    log_ratio = torch.log(distance.clamp(min=max_exact).float() / max_exact) / math.log(max_distance / max_exact)
    far = (max_exact + (log_ratio * (half - max_exact)).long()).clamp(max=half - 1)
    return buckets + torch.where(distance < max_exact, distance, far)


class RmsLayerNorm(nn.Module):
    """T5's layer norm: scale only, no mean subtraction, no bias."""

    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps))


class SelfAttention(nn.Module):
    """Unscaled multi-head self-attention with this layer's own relative position bias."""

    def __init__(self, d_model: int, d_kv: int, heads: int, num_buckets: int, max_distance: int):
        super().__init__()
        self.heads = heads
        self.max_distance = max_distance
        inner = heads * d_kv
        self.q = nn.Linear(d_model, inner, bias=False)
        self.k = nn.Linear(d_model, inner, bias=False)
        self.v = nn.Linear(d_model, inner, bias=False)
        self.o = nn.Linear(inner, d_model, bias=False)
        self.relative_attention_bias = nn.Embedding(num_buckets, heads)
        # Buckets are constant beyond max_distance, so one table over [-max_distance, max_distance]
        # serves any length. Computing it here keeps float log out of the graph, where a one-ulp
        # difference between runtimes could move a position across a bucket edge.
        offsets = torch.arange(-max_distance, max_distance + 1)
        self.register_buffer("bucket_of_offset", relative_position_buckets(offsets, num_buckets, max_distance), persistent=False)

    def position_bias(self, length: int) -> torch.Tensor:
        positions = torch.arange(length, device=self.bucket_of_offset.device)
        offsets = (positions[None, :] - positions[:, None]).clamp(-self.max_distance, self.max_distance)
        buckets = self.bucket_of_offset[offsets + self.max_distance]
        return self.relative_attention_bias(buckets).permute(2, 0, 1)[None]  # [1, heads, L, L]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # [B, heads, L, d_kv]; reshape, not unflatten, which torch 1.13 cannot export.
        q, k, v = (proj(x).reshape(x.shape[0], x.shape[1], self.heads, -1).transpose(1, 2) for proj in (self.q, self.k, self.v))
        scores = torch.matmul(q, k.transpose(-1, -2)) + self.position_bias(x.shape[1])
        out = torch.matmul(scores.softmax(dim=-1), v)
        return self.o(out.transpose(1, 2).flatten(2))


class SelfAttentionLayer(nn.Module):
    def __init__(self, config: "_Dims"):
        super().__init__()
        self.SelfAttention = SelfAttention(config.d_model, config.d_kv, config.heads, config.num_buckets, config.max_distance)
        self.layer_norm = RmsLayerNorm(config.d_model, config.eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.SelfAttention(self.layer_norm(x))


class GatedGeluFeedForward(nn.Module):
    """wo(gelu_tanh(wi_0 x) * wi_1 x)."""

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.wi_0 = nn.Linear(d_model, d_ff, bias=False)
        self.wi_1 = nn.Linear(d_model, d_ff, bias=False)
        self.wo = nn.Linear(d_ff, d_model, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.wo(F.gelu(self.wi_0(x), approximate="tanh") * self.wi_1(x))


class FeedForwardLayer(nn.Module):
    def __init__(self, config: "_Dims"):
        super().__init__()
        self.DenseReluDense = GatedGeluFeedForward(config.d_model, config.d_ff)
        self.layer_norm = RmsLayerNorm(config.d_model, config.eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.DenseReluDense(self.layer_norm(x))


class EncoderBlock(nn.Module):
    def __init__(self, config: "_Dims"):
        super().__init__()
        self.layer = nn.ModuleList([SelfAttentionLayer(config), FeedForwardLayer(config)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for sublayer in self.layer:
            x = sublayer(x)
        return x


class EncoderStack(nn.Module):
    def __init__(self, config: "_Dims"):
        super().__init__()
        self.block = nn.ModuleList([EncoderBlock(config) for _ in range(config.num_layers)])
        self.final_layer_norm = RmsLayerNorm(config.d_model, config.eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.block:
            x = block(x)
        return self.final_layer_norm(x)


class _Dims:
    """The UMT5Config fields the encoder needs, checked once."""

    def __init__(self, config: Mapping[str, Any]):
        def need(key: str) -> Any:
            if key not in config:
                raise ValueError(f"text_encoder config lacks '{key}'")
            return config[key]

        proj = config.get("feed_forward_proj", "gated-gelu")
        if proj != "gated-gelu":
            raise ValueError(f"text_encoder config feed_forward_proj = {proj!r}; only 'gated-gelu' (umT5) is supported")
        self.d_model = int(need("d_model"))
        self.d_kv = int(need("d_kv"))
        self.heads = int(need("num_heads"))
        self.d_ff = int(need("d_ff"))
        self.num_layers = int(need("num_layers"))
        self.num_buckets = int(config.get("relative_attention_num_buckets", 32))
        self.max_distance = int(config.get("relative_attention_max_distance", 128))
        self.eps = float(config.get("layer_norm_epsilon", 1e-6))


class UMT5Encoder(nn.Module):
    """umT5 encoder stack over given token embeddings, built from a `text_encoder/config.json` dict."""

    def __init__(self, config: Mapping[str, Any]):
        super().__init__()
        self.dims = _Dims(config)
        self.encoder = EncoderStack(self.dims)

    def forward(self, inputs_embeds: torch.Tensor) -> torch.Tensor:
        return self.encoder(inputs_embeds)


def export_umt5_onnx(model: UMT5Encoder, path: str, sample_inputs: Sequence[torch.Tensor] | None = None) -> None:
    """Export `model` to ONNX (opset 17) with the contract's names and a dynamic sequence length.

    torch writes the weights as external data next to `path` when the graph would pass 2 GiB.
    """
    if sample_inputs is None:
        # Seven tokens: a length that is neither 1 nor a model dimension, so tracing keeps it symbolic.
        sample_inputs = (torch.randn(1, 7, model.dims.d_model, generator=torch.Generator().manual_seed(0)),)
    model.eval()
    with torch.no_grad():
        torch.onnx.export(
            model,
            tuple(sample_inputs),
            path,
            input_names=UMT5_INPUT_NAMES,
            output_names=UMT5_OUTPUT_NAMES,
            dynamic_axes={"inputs_embeds": {1: "length"}, "hidden_states": {1: "length"}},
            opset_version=17,
            do_constant_folding=True,
        )
