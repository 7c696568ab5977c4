"""The tensors a Diffusers-layout Wan2.1 checkpoint holds, derived from each component's config.

Each function returns {key: shape} for one component, with the key names of Diffusers'
`WanTransformer3DModel` and `AutoencoderKLWan` and transformers' `UMT5EncoderModel`. The converter
checks a checkpoint against these exactly (layout.py), and synthetic.py writes them, so a config of
any size is described the same way as the official one.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

Shapes = Dict[str, Tuple[int, ...]]


def _linear(out: Shapes, prefix: str, fan_in: int, fan_out: int, bias: bool = True) -> None:
    out[f"{prefix}.weight"] = (fan_out, fan_in)
    if bias:
        out[f"{prefix}.bias"] = (fan_out,)


def transformer_keys(cfg: dict) -> Shapes:
    """WanTransformer3DModel (text-to-video: no image embedder, no added k/v projections)."""
    heads, head_dim = cfg["num_attention_heads"], cfg["attention_head_dim"]
    dim = heads * head_dim
    pt, ph, pw = cfg["patch_size"]
    out: Shapes = {
        "patch_embedding.weight": (dim, cfg["in_channels"], pt, ph, pw),
        "patch_embedding.bias": (dim,),
    }
    _linear(out, "condition_embedder.time_embedder.linear_1", cfg["freq_dim"], dim)
    _linear(out, "condition_embedder.time_embedder.linear_2", dim, dim)
    _linear(out, "condition_embedder.time_proj", dim, 6 * dim)
    _linear(out, "condition_embedder.text_embedder.linear_1", cfg["text_dim"], dim)
    _linear(out, "condition_embedder.text_embedder.linear_2", dim, dim)
    for i in range(cfg["num_layers"]):
        block = f"blocks.{i}"
        for attn in ("attn1", "attn2"):
            for proj in ("to_q", "to_k", "to_v", "to_out.0"):
                _linear(out, f"{block}.{attn}.{proj}", dim, dim)
            out[f"{block}.{attn}.norm_q.weight"] = (dim,)
            out[f"{block}.{attn}.norm_k.weight"] = (dim,)
        if cfg.get("cross_attn_norm", False):
            out[f"{block}.norm2.weight"] = (dim,)
            out[f"{block}.norm2.bias"] = (dim,)
        _linear(out, f"{block}.ffn.net.0.proj", dim, cfg["ffn_dim"])
        _linear(out, f"{block}.ffn.net.2", cfg["ffn_dim"], dim)
        out[f"{block}.scale_shift_table"] = (1, 6, dim)
    _linear(out, "proj_out", dim, cfg["out_channels"] * pt * ph * pw)
    out["scale_shift_table"] = (1, 2, dim)
    return out


# The embedding table goes to token_embeddings.bin, not into the encoder graph. Checkpoints saved by
# transformers hold it as `shared.weight`; some also keep the tied copy `encoder.embed_tokens.weight`.
EMBEDDING_KEY = "shared.weight"
TIED_EMBEDDING_KEY = "encoder.embed_tokens.weight"


def text_encoder_keys(cfg: dict) -> Shapes:
    """UMT5EncoderModel: every layer has its own relative attention bias (unlike T5)."""
    d_model, inner = cfg["d_model"], cfg["num_heads"] * cfg["d_kv"]
    out: Shapes = {EMBEDDING_KEY: (cfg["vocab_size"], d_model)}
    for i in range(cfg["num_layers"]):
        layer = f"encoder.block.{i}.layer"
        for proj in ("q", "k", "v"):
            out[f"{layer}.0.SelfAttention.{proj}.weight"] = (inner, d_model)
        out[f"{layer}.0.SelfAttention.o.weight"] = (d_model, inner)
        out[f"{layer}.0.SelfAttention.relative_attention_bias.weight"] = (
            cfg["relative_attention_num_buckets"], cfg["num_heads"])
        out[f"{layer}.0.layer_norm.weight"] = (d_model,)
        if cfg.get("feed_forward_proj", "relu").startswith("gated-"):
            out[f"{layer}.1.DenseReluDense.wi_0.weight"] = (cfg["d_ff"], d_model)
            out[f"{layer}.1.DenseReluDense.wi_1.weight"] = (cfg["d_ff"], d_model)
        else:
            out[f"{layer}.1.DenseReluDense.wi.weight"] = (cfg["d_ff"], d_model)
        out[f"{layer}.1.DenseReluDense.wo.weight"] = (d_model, cfg["d_ff"])
        out[f"{layer}.1.layer_norm.weight"] = (d_model,)
    out["encoder.final_layer_norm.weight"] = (d_model,)
    return out


def _causal_conv(out: Shapes, prefix: str, cin: int, cout: int, kernel: Tuple[int, int, int]) -> None:
    out[f"{prefix}.weight"] = (cout, cin, *kernel)
    out[f"{prefix}.bias"] = (cout,)


def _residual(out: Shapes, prefix: str, cin: int, cout: int) -> None:
    out[f"{prefix}.norm1.gamma"] = (cin, 1, 1, 1)
    _causal_conv(out, f"{prefix}.conv1", cin, cout, (3, 3, 3))
    out[f"{prefix}.norm2.gamma"] = (cout, 1, 1, 1)
    _causal_conv(out, f"{prefix}.conv2", cout, cout, (3, 3, 3))
    if cin != cout:
        _causal_conv(out, f"{prefix}.conv_shortcut", cin, cout, (1, 1, 1))


def _attention(out: Shapes, prefix: str, dim: int) -> None:
    out[f"{prefix}.norm.gamma"] = (dim, 1, 1)
    out[f"{prefix}.to_qkv.weight"] = (3 * dim, dim, 1, 1)
    out[f"{prefix}.to_qkv.bias"] = (3 * dim,)
    out[f"{prefix}.proj.weight"] = (dim, dim, 1, 1)
    out[f"{prefix}.proj.bias"] = (dim,)


def _mid_block(out: Shapes, prefix: str, dim: int) -> None:
    _residual(out, f"{prefix}.resnets.0", dim, dim)
    _attention(out, f"{prefix}.attentions.0", dim)
    _residual(out, f"{prefix}.resnets.1", dim, dim)


def _resample(out: Shapes, prefix: str, dim: int, mode: str) -> None:
    conv_out = dim // 2 if mode.startswith("upsample") else dim
    out[f"{prefix}.resample.1.weight"] = (conv_out, dim, 3, 3)
    out[f"{prefix}.resample.1.bias"] = (conv_out,)
    if mode == "upsample3d":
        _causal_conv(out, f"{prefix}.time_conv", dim, 2 * dim, (3, 1, 1))
    elif mode == "downsample3d":
        _causal_conv(out, f"{prefix}.time_conv", dim, dim, (3, 1, 1))


def _check_vae_supported(cfg: dict) -> None:
    if cfg.get("attn_scales"):
        raise ValueError(f"vae/config.json: attn_scales {cfg['attn_scales']} is not supported (Wan2.1 uses [])")
    if cfg.get("is_residual", False):
        raise ValueError("vae/config.json: is_residual true is the Wan2.2 VAE, which this converter does not support")


def vae_decoder_keys(cfg: dict) -> Shapes:
    """AutoencoderKLWan's `post_quant_conv` and `decoder.*`: what the exported decoder uses."""
    _check_vae_supported(cfg)
    base, z_dim, mult = cfg.get("decoder_base_dim") or cfg["base_dim"], cfg["z_dim"], cfg["dim_mult"]
    res_blocks = cfg["num_res_blocks"]
    temporal_up = list(cfg["temperal_downsample"])[::-1]
    out: Shapes = {}
    _causal_conv(out, "post_quant_conv", z_dim, z_dim, (1, 1, 1))
    dims = [base * m for m in [mult[-1]] + mult[::-1]]
    _causal_conv(out, "decoder.conv_in", z_dim, dims[0], (3, 3, 3))
    _mid_block(out, "decoder.mid_block", dims[0])
    for i, (cin, cout) in enumerate(zip(dims[:-1], dims[1:])):
        if i > 0:
            cin //= 2  # the previous block's upsampler halves its channels
        for j in range(res_blocks + 1):
            _residual(out, f"decoder.up_blocks.{i}.resnets.{j}", cin if j == 0 else cout, cout)
        if i != len(mult) - 1:
            mode = "upsample3d" if temporal_up[i] else "upsample2d"
            _resample(out, f"decoder.up_blocks.{i}.upsamplers.0", cout, mode)
    out["decoder.norm_out.gamma"] = (dims[-1], 1, 1, 1)
    _causal_conv(out, "decoder.conv_out", dims[-1], cfg.get("out_channels", 3), (3, 3, 3))
    return out


def vae_encoder_keys(cfg: dict) -> Shapes:
    """AutoencoderKLWan's `encoder.*` and `quant_conv`: in every checkpoint, unused until an encoder is exported."""
    _check_vae_supported(cfg)
    base, z_dim, mult = cfg["base_dim"], cfg["z_dim"], cfg["dim_mult"]
    out: Shapes = {}
    dims = [base * m for m in [1] + mult]
    _causal_conv(out, "encoder.conv_in", cfg.get("in_channels", 3), dims[0], (3, 3, 3))
    index = 0
    for i, (cin, cout) in enumerate(zip(dims[:-1], dims[1:])):
        for _ in range(cfg["num_res_blocks"]):
            _residual(out, f"encoder.down_blocks.{index}", cin, cout)
            cin, index = cout, index + 1
        if i != len(mult) - 1:
            mode = "downsample3d" if cfg["temperal_downsample"][i] else "downsample2d"
            _resample(out, f"encoder.down_blocks.{index}", cout, mode)
            index += 1
    _mid_block(out, "encoder.mid_block", dims[-1])
    out["encoder.norm_out.gamma"] = (dims[-1], 1, 1, 1)
    _causal_conv(out, "encoder.conv_out", dims[-1], 2 * z_dim, (3, 3, 3))
    _causal_conv(out, "quant_conv", 2 * z_dim, 2 * z_dim, (1, 1, 1))
    return out


def linear_weight_keys(shapes: Shapes) -> List[str]:
    """The 2-D `.weight` keys: the Linear layers that become MatMul (and so MatMulNBits) in the graphs."""
    return sorted(k for k, s in shapes.items() if k.endswith(".weight") and len(s) == 2 and "relative_attention" not in k)
