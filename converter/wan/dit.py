"""Tessera's own Wan2.1 text-to-video DiT in plain torch, exportable to ONNX.

For the converter (converter/wan/convert.py):
    model = WanDiT(json.load(open("transformer/config.json")))   # the Diffusers config dict
    model.load_state_dict(state_dict, strict=True)                # Diffusers WanTransformer3DModel keys
    export_dit_onnx(model, "dit.onnx")                            # opset 17, dynamic T/h/w

Graph I/O (all float32): latents [1, C, T, h, w], timestep [1] (flow time * 1000),
context [1, Lc, text_dim], rope_cos / rope_sin [T*(h/p_h)*(w/p_w), head_dim/2] (converter/wan/rope.py)
-> velocity [1, C, T, h, w].

The module follows Diffusers' WanTransformer3DModel for the text-to-video case: parameter names,
fp32 norms, 6-way adaLN from `scale_shift_table` + the time projection, qk RMSNorm across heads,
GELU-tanh FFN, cross-attention to the whole context without a mask. Two deliberate differences:
rotary embeddings come in as real cos/sin inputs (the browser has no complex float64), and
image-conditioning parts (I2V's image embedder, added k/v) are refused, not built.
Parity with the official code is recorded in docs/wan-parity.md.
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from rope import rope_tables

DIT_INPUT_NAMES = ["latents", "timestep", "context", "rope_cos", "rope_sin"]
DIT_OUTPUT_NAMES = ["velocity"]


class LayerNormFp32(nn.Module):
    """LayerNorm computed in fp32, with or without learned scale and shift.

    Without learned parameters it still hands F.layer_norm ones/zeros (non-persistent buffers, so
    they are not checkpoint keys): torch 1.13 exports a weightless layer_norm as an invalid node.
    """

    def __init__(self, dim: int, eps: float, affine: bool):
        super().__init__()
        self.eps = eps
        self.dim = dim
        if affine:
            self.weight = nn.Parameter(torch.ones(dim))
            self.bias = nn.Parameter(torch.zeros(dim))
        else:
            self.register_buffer("weight", torch.ones(dim), persistent=False)
            self.register_buffer("bias", torch.zeros(dim), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x.float(), (self.dim,), self.weight.float(), self.bias.float(), self.eps)


class RmsNorm(nn.Module):
    """RMS norm over the last axis (all heads together for Wan's q/k norm), fp32."""

    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.float()
        return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps) * self.weight


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    """[B, L, heads*d] -> [B, L, heads, d]. (reshape, not unflatten: torch 1.13 cannot export unflatten.)"""
    return x.reshape(x.shape[0], x.shape[1], heads, -1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate consecutive pairs (x[2i], x[2i+1]) of x [B, L, heads, head_dim] by cos/sin [L, head_dim/2]."""
    pairs = x.reshape(x.shape[0], x.shape[1], x.shape[2], -1, 2)
    even, odd = pairs[..., 0], pairs[..., 1]
    cos = cos[:, None, :]
    sin = sin[:, None, :]
    rotated = torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1)
    return rotated.flatten(-2)


class Attention(nn.Module):
    """Multi-head attention with q/k RMS norm across heads; the Diffusers WanAttention layout."""

    def __init__(self, dim: int, heads: int, eps: float, qk_norm: bool):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim)
        self.to_k = nn.Linear(dim, dim)
        self.to_v = nn.Linear(dim, dim)
        # A list so the projection keeps its checkpoint name `to_out.0` (index 1 was a dropout).
        self.to_out = nn.ModuleList([nn.Linear(dim, dim)])
        self.norm_q = RmsNorm(dim, eps) if qk_norm else nn.Identity()
        self.norm_k = RmsNorm(dim, eps) if qk_norm else nn.Identity()

    def forward(self, x: torch.Tensor, context: torch.Tensor, rope: Tuple[torch.Tensor, torch.Tensor] | None) -> torch.Tensor:
        q = split_heads(self.norm_q(self.to_q(x)), self.heads)
        k = split_heads(self.norm_k(self.to_k(context)), self.heads)
        v = split_heads(self.to_v(context), self.heads)
        if rope is not None:
            q = apply_rope(q, *rope)
            k = apply_rope(k, *rope)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # [B, heads, L, head_dim]
        scores = torch.matmul(q, k.transpose(-1, -2)) * (q.shape[-1] ** -0.5)
        out = torch.matmul(scores.softmax(dim=-1), v)
        return self.to_out[0](out.transpose(1, 2).flatten(2))


class GeluTanhProjection(nn.Module):
    """Linear then tanh-approximated GELU, named `proj` as in Diffusers' FeedForward."""

    def __init__(self, dim_in: int, dim_out: int):
        super().__init__()
        self.proj = nn.Linear(dim_in, dim_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.proj(x), approximate="tanh")


class FeedForward(nn.Module):
    def __init__(self, dim: int, inner_dim: int):
        super().__init__()
        # Index 1 held a dropout in Diffusers; Identity keeps the output projection at `net.2`.
        self.net = nn.ModuleList([GeluTanhProjection(dim, inner_dim), nn.Identity(), nn.Linear(inner_dim, dim)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.net:
            x = layer(x)
        return x


class TransformerBlock(nn.Module):
    """Self-attention with RoPE, cross-attention to the text, FFN; adaLN modulated by the time embedding."""

    def __init__(self, dim: int, ffn_dim: int, heads: int, qk_norm: bool, cross_attn_norm: bool, eps: float):
        super().__init__()
        self.norm1 = LayerNormFp32(dim, eps, affine=False)
        self.attn1 = Attention(dim, heads, eps, qk_norm)
        self.attn2 = Attention(dim, heads, eps, qk_norm)
        self.norm2 = LayerNormFp32(dim, eps, affine=True) if cross_attn_norm else nn.Identity()
        self.ffn = FeedForward(dim, ffn_dim)
        self.norm3 = LayerNormFp32(dim, eps, affine=False)
        self.scale_shift_table = nn.Parameter(torch.randn(1, 6, dim) / dim**0.5)

    def forward(self, x: torch.Tensor, context: torch.Tensor, time_mod: torch.Tensor, rope: Tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        shift_sa, scale_sa, gate_sa, shift_ff, scale_ff, gate_ff = (self.scale_shift_table + time_mod).chunk(6, dim=1)
        normed = self.norm1(x) * (1 + scale_sa) + shift_sa
        x = x + self.attn1(normed, normed, rope) * gate_sa
        x = x + self.attn2(self.norm2(x), context, None)
        return x + self.ffn(self.norm3(x) * (1 + scale_ff) + shift_ff) * gate_ff


class TimestepMlp(nn.Module):
    """Diffusers' TimestepEmbedding: Linear, SiLU, Linear."""

    def __init__(self, in_dim: int, dim: int):
        super().__init__()
        self.linear_1 = nn.Linear(in_dim, dim)
        self.linear_2 = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear_2(F.silu(self.linear_1(x)))


class TextProjection(nn.Module):
    """Diffusers' PixArtAlphaTextProjection with GELU-tanh: Linear, GELU, Linear."""

    def __init__(self, in_dim: int, dim: int):
        super().__init__()
        self.linear_1 = nn.Linear(in_dim, dim)
        self.linear_2 = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear_2(F.gelu(self.linear_1(x), approximate="tanh"))


class ConditionEmbedder(nn.Module):
    """Time sinusoid -> embedding and 6-way modulation; text projection."""

    def __init__(self, dim: int, freq_dim: int, text_dim: int):
        super().__init__()
        if freq_dim % 2 != 0:
            raise ValueError(f"freq_dim must be even, got {freq_dim}")
        half = freq_dim // 2
        # Diffusers' Timesteps(flip_sin_to_cos=True, downscale_freq_shift=0), frequencies made in fp32 as it does.
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
        self.register_buffer("sinusoid_freqs", freqs, persistent=False)
        self.time_embedder = TimestepMlp(freq_dim, dim)
        self.time_proj = nn.Linear(dim, 6 * dim)
        self.text_embedder = TextProjection(text_dim, dim)

    def forward(self, timestep: torch.Tensor, context: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        angles = timestep.float()[:, None] * self.sinusoid_freqs[None, :]
        sinusoid = torch.cat([torch.cos(angles), torch.sin(angles)], dim=-1)
        temb = self.time_embedder(sinusoid)
        time_mod = self.time_proj(F.silu(temb)).reshape(temb.shape[0], 6, -1)
        return temb, time_mod, self.text_embedder(context)


def _required(config: Mapping[str, Any], key: str) -> Any:
    """A dimension the config must state: Tessera never fills a model size in from a constant."""
    if config.get(key) is None:
        raise ValueError(f"transformer config lacks '{key}'")
    return config[key]


class WanDiT(nn.Module):
    """The Wan2.1 text-to-video transformer, built from a Diffusers `transformer/config.json` dict."""

    def __init__(self, config: Mapping[str, Any]):
        super().__init__()
        for key in ("image_dim", "added_kv_proj_dim", "pos_embed_seq_len"):
            if config.get(key) is not None:
                raise ValueError(
                    f"transformer config sets '{key}' = {config[key]!r}: image conditioning (I2V/FLF2V) is not "
                    "supported; only text-to-video Wan2.1 checkpoints convert"
                )
        qk_norm = config.get("qk_norm", "rms_norm_across_heads")
        if qk_norm not in ("rms_norm_across_heads", None):
            raise ValueError(f"transformer config qk_norm = {qk_norm!r}; supported: 'rms_norm_across_heads' or null")
        heads = int(_required(config, "num_attention_heads"))
        head_dim = int(_required(config, "attention_head_dim"))
        if head_dim % 2 != 0:
            raise ValueError(f"attention_head_dim must be even for rotary pairs, got {head_dim}")
        patch = tuple(int(p) for p in _required(config, "patch_size"))
        if len(patch) != 3:
            raise ValueError(f"patch_size must have 3 entries (t, h, w), got {list(patch)}")
        in_channels = int(_required(config, "in_channels"))
        out_channels = int(config.get("out_channels") or in_channels)
        dim = heads * head_dim
        eps = float(config.get("eps", 1e-6))

        self.patch_size: Tuple[int, int, int] = patch  # type: ignore[assignment]
        self.head_dim = head_dim
        self.out_channels = out_channels
        self.patch_embedding = nn.Conv3d(in_channels, dim, kernel_size=patch, stride=patch)
        self.condition_embedder = ConditionEmbedder(dim, int(_required(config, "freq_dim")), int(_required(config, "text_dim")))
        self.blocks = nn.ModuleList(
            [
                TransformerBlock(
                    dim,
                    int(_required(config, "ffn_dim")),
                    heads,
                    qk_norm is not None,
                    bool(config.get("cross_attn_norm", True)),
                    eps,
                )
                for _ in range(int(_required(config, "num_layers")))
            ]
        )
        self.norm_out = LayerNormFp32(dim, eps, affine=False)
        self.proj_out = nn.Linear(dim, out_channels * math.prod(patch))
        self.scale_shift_table = nn.Parameter(torch.randn(1, 2, dim) / dim**0.5)

    def forward(
        self,
        latents: torch.Tensor,
        timestep: torch.Tensor,
        context: torch.Tensor,
        rope_cos: torch.Tensor,
        rope_sin: torch.Tensor,
    ) -> torch.Tensor:
        tokens, temb, time_mod, text = embed_inputs(self, latents, timestep, context)
        rope = (rope_cos, rope_sin)
        for block in self.blocks:
            tokens = block(tokens, text, time_mod, rope)
        return project_output(self, tokens, temb, latents)


def embed_inputs(owner: nn.Module, latents: torch.Tensor, timestep: torch.Tensor, context: torch.Tensor) -> Tuple[torch.Tensor, ...]:
    """WanDiT's input side: latents -> patch tokens [B, N, dim]; timestep -> time embedding and the 6-way
    modulation; text projected. `owner` is a WanDiT or a piece holding its `patch_embedding` and
    `condition_embedder` under the same names (dit_pieces.DitHead), so the weights keep their keys."""
    tokens = owner.patch_embedding(latents).flatten(2).transpose(1, 2)
    temb, time_mod, text = owner.condition_embedder(timestep, context)
    return tokens, temb, time_mod, text


def project_output(owner: nn.Module, tokens: torch.Tensor, temb: torch.Tensor, latents: torch.Tensor) -> torch.Tensor:
    """WanDiT's output side: the final modulated norm and projection, unpatchified to the layout of
    `latents` (read for its shape only). `owner` holds `norm_out`, `proj_out`, `scale_shift_table`,
    `patch_size` and `out_channels` (a WanDiT or dit_pieces.DitTail)."""
    p_t, p_h, p_w = owner.patch_size
    shift, scale = (owner.scale_shift_table + temb[:, None, :]).chunk(2, dim=1)
    x = owner.proj_out(owner.norm_out(tokens) * (1 + scale) + shift)
    batch = latents.shape[0]
    grid_t, grid_h, grid_w = latents.shape[2] // p_t, latents.shape[3] // p_h, latents.shape[4] // p_w
    # Unpatchify: token (t, h, w) holds a (p_t, p_h, p_w, C) patch.
    x = x.reshape(batch, grid_t, grid_h, grid_w, p_t, p_h, p_w, owner.out_channels)
    x = x.permute(0, 7, 1, 4, 2, 5, 3, 6)
    return x.reshape(batch, owner.out_channels, grid_t * p_t, grid_h * p_h, grid_w * p_w)


def dummy_dit_inputs(model: WanDiT, frames: int = 2, height: int = 4, width: int = 6, context_length: int = 8) -> Tuple[torch.Tensor, ...]:
    """Small random inputs with every dynamic axis > 1 and distinct, so tracing keeps them symbolic."""
    p_t, p_h, p_w = model.patch_size
    conv = model.patch_embedding
    text_dim = model.condition_embedder.text_embedder.linear_1.in_features
    gen = torch.Generator().manual_seed(0)
    latents = torch.randn(1, conv.in_channels, frames * p_t, height * p_h, width * p_w, generator=gen)
    cos, sin = rope_tables(model.head_dim, frames, height, width)
    return (
        latents,
        torch.tensor([500.0]),
        torch.randn(1, context_length, text_dim, generator=gen),
        torch.from_numpy(cos),
        torch.from_numpy(sin),
    )


def export_dit_onnx(model: WanDiT, path: str, sample_inputs: Sequence[torch.Tensor] | None = None) -> None:
    """Export `model` to ONNX (opset 17) with the contract's names; T, h, w and the context length dynamic.

    torch writes the weights as external data next to `path` when the graph would pass 2 GiB.
    """
    inputs = tuple(sample_inputs) if sample_inputs is not None else dummy_dit_inputs(model)
    model.eval()
    with torch.no_grad():
        torch.onnx.export(
            model,
            inputs,
            path,
            input_names=DIT_INPUT_NAMES,
            output_names=DIT_OUTPUT_NAMES,
            dynamic_axes={
                "latents": {2: "frames", 3: "height", 4: "width"},
                "context": {1: "context_length"},
                "rope_cos": {0: "tokens"},
                "rope_sin": {0: "tokens"},
                "velocity": {2: "frames", 3: "height", 4: "width"},
            },
            opset_version=17,
            do_constant_folding=True,
        )
