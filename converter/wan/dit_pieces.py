"""WanDiT (dit.py) cut into exportable pieces: the input side, one transformer block, the output side.

convert.py exports the DiT one piece at a time and joins the quantised pieces (graph_chain.compose), so
the 1.4B-parameter model is never held in float32 more than one block at a time. The pieces run
WanDiT.forward's own steps (dit.embed_inputs, a block, dit.project_output) on the same modules under
the same names; the converter test checks the joined graph against the whole torch model.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from dit import embed_inputs, project_output

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
        return embed_inputs(self, latents, timestep, context)


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
        return project_output(self, tokens, temb, latents)


def is_head_key(key: str) -> bool:
    return key.startswith(("patch_embedding.", "condition_embedder."))


def is_tail_key(key: str) -> bool:
    return key.startswith(("proj_out.", "scale_shift_table"))
