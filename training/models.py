"""Tessera's networks: a causal video autoencoder, a small text encoder and a spacetime-patch DiT.

Shapes and names follow docs/model-pack.md, which the TypeScript pipeline reads too.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

LATENT_CHANNELS = 16
TEMPORAL = 4
PATCH = (1, 2, 2)  # (t, h, w)
TEXT_LENGTH = 32
TEXT_DIM = 128


# ---------------------------------------------------------------- video compression network

class ResBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return x + self.conv2(F.silu(self.conv1(F.silu(x))))


class VideoAutoencoder(nn.Module):
    """Space /4 and time /4, causal: the first frame is replicated three times in front of the
    clip, so latent frame 0 sees only frame 0 (an image is a one-frame video, F=1 → T=1) and each
    later latent frame covers the next four frames. One code path for every length, no empty tensors.
    """

    def __init__(self, width=32, channels=LATENT_CHANNELS):
        super().__init__()
        w2 = width * 3 // 2
        self.feature_width = w2
        self.enc2d = nn.Sequential(
            nn.Conv2d(3, width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(width, w2, 4, stride=2, padding=1), ResBlock(w2),
            nn.Conv2d(w2, w2, 4, stride=2, padding=1), ResBlock(w2),
        )
        self.enc_time = nn.Sequential(
            nn.Conv2d(TEMPORAL * w2, 2 * w2, 3, padding=1), nn.SiLU(),
            nn.Conv2d(2 * w2, channels, 3, padding=1),
        )
        self.dec_time = nn.Sequential(
            nn.Conv2d(channels, 2 * w2, 3, padding=1), nn.SiLU(), ResBlock(2 * w2),
            nn.Conv2d(2 * w2, TEMPORAL * w2, 3, padding=1),
        )
        self.dec2d = nn.Sequential(
            ResBlock(w2), ResBlock(w2),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(w2, w2, 3, padding=1), ResBlock(w2),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(w2, width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(width, 3, 3, padding=1),
        )
        # Per-channel statistics of the raw latent, set after training, so the DiT sees unit scale.
        self.register_buffer("latent_mean", torch.zeros(channels))
        self.register_buffer("latent_std", torch.ones(channels))

    def encode_raw(self, frames):
        """frames [B, 3, F, H, W] in [0, 1] → raw latents [B, C, T, h, w], T = (F + 3) / 4."""
        b, c, f, h, w = frames.shape
        padded = torch.cat([frames[:, :, :1].expand(b, c, TEMPORAL - 1, h, w), frames], dim=2)
        t = padded.shape[2] // TEMPORAL
        per_frame = padded.transpose(1, 2).reshape(b * t * TEMPORAL, c, h, w)
        feats = self.enc2d(per_frame * 2 - 1)
        fh, fw = feats.shape[-2:]
        grouped = feats.reshape(b * t, TEMPORAL * self.feature_width, fh, fw)
        z = self.enc_time(grouped)
        return z.reshape(b, t, -1, fh, fw).transpose(1, 2)

    def decode_raw(self, z):
        """raw latents [B, C, T, h, w] → frames [B, 3, 4T - 3, H, W]."""
        b, c, t, h, w = z.shape
        grouped = self.dec_time(z.transpose(1, 2).reshape(b * t, c, h, w))
        per_frame = grouped.reshape(b * t * TEMPORAL, self.feature_width, h, w)
        frames = self.dec2d(per_frame) * 0.5 + 0.5
        fh, fw = frames.shape[-2:]
        frames = frames.reshape(b, t * TEMPORAL, 3, fh, fw).transpose(1, 2)
        return frames[:, :, TEMPORAL - 1:]

    def normalise(self, z):
        return (z - self.latent_mean[None, :, None, None, None]) / self.latent_std[None, :, None, None, None]

    def denormalise(self, z):
        return z * self.latent_std[None, :, None, None, None] + self.latent_mean[None, :, None, None, None]

    def encode(self, frames):
        return self.normalise(self.encode_raw(frames))

    def decode(self, z):
        return self.decode_raw(self.denormalise(z))


class EncoderExport(nn.Module):
    def __init__(self, ae):
        super().__init__()
        self.ae = ae

    def forward(self, frames):
        return self.ae.encode(frames)


class DecoderExport(nn.Module):
    def __init__(self, ae):
        super().__init__()
        self.ae = ae

    def forward(self, latents):
        return self.ae.decode(latents)


# ---------------------------------------------------------------- transformer parts

class LayerNorm(nn.LayerNorm):
    """LayerNorm that always has weight and bias: torch 1.13 exports an affine-free LayerNorm as an
    ONNX node the checker rejects (see shared/TESTING.md); frozen ones/zeros keep it valid."""

    def __init__(self, dim, affine=True):
        super().__init__(dim, eps=1e-6, elementwise_affine=True)
        if not affine:
            self.weight.requires_grad_(False)
            self.bias.requires_grad_(False)


class Attention(nn.Module):
    def __init__(self, dim, heads, kv_dim=None):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(kv_dim or dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, context=None):
        b, n, d = x.shape
        context = x if context is None else context
        h = self.heads
        q = self.q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k, v = self.kv(context).reshape(b, -1, 2, h, d // h).permute(2, 0, 3, 1, 4)
        attn = torch.softmax(q @ k.transpose(-1, -2) * (d // h) ** -0.5, dim=-1)
        return self.out((attn @ v).transpose(1, 2).reshape(b, n, d))


class TextEncoder(nn.Module):
    """Word embeddings + learned positions + two transformer layers over the project's vocabulary."""

    def __init__(self, vocab_size, dim=TEXT_DIM, length=TEXT_LENGTH, depth=2, heads=4):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.randn(1, length, dim) * 0.02)
        self.layers = nn.ModuleList()
        for _ in range(depth):
            self.layers.append(nn.ModuleList([LayerNorm(dim), Attention(dim, heads), LayerNorm(dim),
                                               nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(),
                                                             nn.Linear(2 * dim, dim))]))
        self.norm = LayerNorm(dim)

    def forward(self, input_ids):
        x = self.embed(input_ids) + self.pos
        for norm1, attn, norm2, mlp in self.layers:
            x = x + attn(norm1(x))
            x = x + mlp(norm2(x))
        return self.norm(x)


def sincos(values, dim, max_period=10000.0):
    """Fixed sinusoidal features of a float tensor [...] → [..., dim]."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32, device=values.device) / half)
    args = values[..., None].float() * freqs
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


def modulate(x, shift, scale):
    return x * (1 + scale[:, None]) + shift[:, None]


class DiTBlock(nn.Module):
    def __init__(self, dim, heads, text_dim):
        super().__init__()
        self.norm1 = LayerNorm(dim, affine=False)
        self.attn = Attention(dim, heads)
        self.norm_cross = LayerNorm(dim)
        self.cross = Attention(dim, heads, kv_dim=text_dim)
        self.norm2 = LayerNorm(dim, affine=False)
        self.mlp = nn.Sequential(nn.Linear(dim, 3 * dim), nn.GELU(), nn.Linear(3 * dim, dim))
        self.ada = nn.Linear(dim, 6 * dim)
        nn.init.zeros_(self.ada.weight)
        nn.init.zeros_(self.ada.bias)

    def forward(self, x, cond, text):
        s1, c1, g1, s2, c2, g2 = self.ada(F.silu(cond)).chunk(6, dim=-1)
        x = x + g1[:, None] * self.attn(modulate(self.norm1(x), s1, c1))
        x = x + self.cross(self.norm_cross(x), text)
        return x + g2[:, None] * self.mlp(modulate(self.norm2(x), s2, c2))


class DiT(nn.Module):
    """A diffusion transformer over spacetime latent patches, one flow-matching velocity per call.

    Positions arrive as patch-grid coordinates (t, y, x) and become fixed factorised sin-cos
    embeddings, so any trained size or duration (and, within reason, others) is native.
    """

    def __init__(self, patch_dim, dim=128, depth=4, heads=4, text_dim=TEXT_DIM):
        super().__init__()
        self.dim = dim
        self.pos_split = (dim // 4, 3 * dim // 8, 3 * dim // 8)  # t, y, x
        self.proj_in = nn.Linear(patch_dim, dim)
        self.time_mlp = nn.Sequential(nn.Linear(dim, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.text_pool = nn.Linear(text_dim, dim)
        self.blocks = nn.ModuleList(DiTBlock(dim, heads, text_dim) for _ in range(depth))
        self.norm_out = LayerNorm(dim, affine=False)
        self.ada_out = nn.Linear(dim, 2 * dim)
        self.proj_out = nn.Linear(dim, patch_dim)
        for layer in (self.ada_out, self.proj_out):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def positional(self, positions):
        parts = [sincos(positions[:, i] * 4.0, d) for i, d in enumerate(self.pos_split)]
        return torch.cat(parts, dim=-1)

    def forward(self, tokens, positions, timestep, text_embeds):
        x = self.proj_in(tokens) + self.positional(positions)[None]
        cond = self.time_mlp(sincos(timestep * 1000.0, self.dim)) + self.text_pool(text_embeds.mean(dim=1))
        for block in self.blocks:
            x = block(x, cond, text_embeds)
        shift, scale = self.ada_out(F.silu(cond)).chunk(2, dim=-1)
        return self.proj_out(modulate(self.norm_out(x), shift, scale))


# ---------------------------------------------------------------- patches (mirror of src/pipeline/patches.ts)

def patchify(latents):
    """[B, C, T, h, w] → tokens [B, N, C*pt*ph*pw] in (t, y, x) order, and positions [N, 3]."""
    b, c, t, h, w = latents.shape
    pt, ph, pw = PATCH
    x = latents.reshape(b, c, t // pt, pt, h // ph, ph, w // pw, pw)
    x = x.permute(0, 2, 4, 6, 1, 3, 5, 7).reshape(b, (t // pt) * (h // ph) * (w // pw), c * pt * ph * pw)
    return x, patch_positions(t // pt, h // ph, w // pw)


def patch_positions(gt, gh, gw):
    tt, yy, xx = torch.meshgrid(torch.arange(gt), torch.arange(gh), torch.arange(gw), indexing="ij")
    return torch.stack([tt, yy, xx], dim=-1).reshape(-1, 3).float()


def unpatchify(tokens, shape):
    b, c, t, h, w = shape
    pt, ph, pw = PATCH
    x = tokens.reshape(b, t // pt, h // ph, w // pw, c, pt, ph, pw)
    return x.permute(0, 4, 1, 5, 2, 6, 3, 7).reshape(b, c, t, h, w)
