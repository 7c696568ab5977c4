"""WanDiT (dit.py) cut into exportable pieces: the input side, one transformer block, the output side.

convert.py exports the DiT one piece at a time and joins the quantised pieces (graph_chain.compose), so
the 1.4B-parameter model is never held in float32 more than one block at a time. The pieces call
dit.py's own modules and repeat only WanDiT.forward's glue (patch flattening and unpatchify); the
converter test checks the joined graph against the whole torch model.
"""
from __future__ import annotations

import torch
import torch.nn as nn

HEAD_INPUTS = ["latents", "timestep", "context"]
HEAD_OUTPUTS = ["tokens", "temb", "time_mod", "text"]
BLOCK_INPUTS = ["tokens", "text", "time_mod", "rope_cos", "rope_sin"]
BLOCK_OUTPUTS = ["tokens_out"]
TAIL_INPUTS = ["tokens", "temb", "latents"]
TAIL_OUTPUTS = ["velocity"]


class DitHead(nn.Module):
    """latents -> patch tokens [1, N, dim]; timestep -> time embedding and the 6-way modulation; text projected."""

    def __init__(self, model):
        super().__init__()
        self.patch_embedding = model.patch_embedding
        self.condition_embedder = model.condition_embedder

    def forward(self, latents, timestep, context):
        tokens = self.patch_embedding(latents).flatten(2).transpose(1, 2)
        temb, time_mod, text = self.condition_embedder(timestep, context)
        return tokens, temb, time_mod, text


class DitBlock(nn.Module):
    def __init__(self, block):
        super().__init__()
        self.block = block

    def forward(self, tokens, text, time_mod, rope_cos, rope_sin):
        return self.block(tokens, text, time_mod, (rope_cos, rope_sin))


class DitTail(nn.Module):
    """Final modulated norm, projection and unpatchify; `latents` gives only the grid's shape."""

    def __init__(self, model):
        super().__init__()
        self.norm_out = model.norm_out
        self.proj_out = model.proj_out
        self.scale_shift_table = model.scale_shift_table
        self.patch_size = model.patch_size
        self.out_channels = model.out_channels

    def forward(self, tokens, temb, latents):
        p_t, p_h, p_w = self.patch_size
        shift, scale = (self.scale_shift_table + temb[:, None, :]).chunk(2, dim=1)
        x = self.proj_out(self.norm_out(tokens) * (1 + scale) + shift)
        batch = latents.shape[0]
        grid_t, grid_h, grid_w = latents.shape[2] // p_t, latents.shape[3] // p_h, latents.shape[4] // p_w
        x = x.reshape(batch, grid_t, grid_h, grid_w, p_t, p_h, p_w, self.out_channels)
        x = x.permute(0, 7, 1, 4, 2, 5, 3, 6)
        return x.reshape(batch, self.out_channels, grid_t * p_t, grid_h * p_h, grid_w * p_w)


def is_head_key(key: str) -> bool:
    return key.startswith(("patch_embedding.", "condition_embedder."))


def is_tail_key(key: str) -> bool:
    return key.startswith(("proj_out.", "scale_shift_table"))
