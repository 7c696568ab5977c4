"""The super-resolving decoder (issue 23): the same latents, frames at four times the linear size.

It starts as the shipped decoder: the latents go through its time and 2D layers to its 32-channel
features at the model size, where the shipped decoder's RGB head still makes a frame; that frame,
bilinearly enlarged four times, is the base, and two upsampling stages (2x, then 2x) add what a
bilinear enlargement blurs: sharp edges, corners, straight sides. The stages' last convolution
starts at zero, so before training the output is the shipped decoder's frame, bilinearly enlarged.

The DiT and the encoder stay as they are: the weights of both come from an exported pack's ONNX
graphs (`autoencoder_from_pack`), so no training checkpoint is needed.
"""
import os

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

from models import TEMPORAL, VideoAutoencoder

UPSCALE = 4
FEATURES = 32  # channels of the shipped decoder's last features (at the model size)
MID, FINE = 24, 16  # channels at 2x and 4x: the 4x stage is most of the decode cost


class SuperResolvingDecoder(nn.Module):
    """Normalised latents [B, C, T, h, w] → frames [B, 3, 4T - 3, 16h, 16w] in about [0, 1]."""

    def __init__(self, ae: VideoAutoencoder):
        super().__init__()
        self.feature_width = ae.feature_width
        self.dec_time = ae.dec_time
        self.trunk = ae.dec2d[:-1]  # up to the SiLU after the last 32-channel convolution
        self.base_rgb = ae.dec2d[-1]
        self.up2 = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(FEATURES, MID, 3, padding=1),
                                 nn.SiLU(), nn.Conv2d(MID, MID, 3, padding=1), nn.SiLU())
        self.up4 = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(MID, FINE, 3, padding=1),
                                 nn.SiLU(), nn.Conv2d(FINE, 3, 3, padding=1))
        nn.init.zeros_(self.up4[-1].weight)
        nn.init.zeros_(self.up4[-1].bias)
        self.register_buffer("latent_mean", ae.latent_mean.clone())
        self.register_buffer("latent_std", ae.latent_std.clone())

    def forward(self, z):
        return self.render(self.features(z), z.shape[0])

    def features(self, z):
        """The shipped decoder's per-frame features [B * 4T, 32, 4h, 4w] (frozen in training)."""
        z = z * self.latent_std[None, :, None, None, None] + self.latent_mean[None, :, None, None, None]
        b, c, t, h, w = z.shape
        grouped = self.dec_time(z.transpose(1, 2).reshape(b * t, c, h, w))
        return self.trunk(grouped.reshape(b * t * TEMPORAL, self.feature_width, h, w))

    def render(self, features, batch):
        """Per-frame features → frames [B, 3, F, H, W], the causal padding frames dropped."""
        base = F.interpolate(self.base_rgb(features), scale_factor=UPSCALE, mode="bilinear", align_corners=False)
        frames = (base + self.up4(self.up2(features))) * 0.5 + 0.5
        fh, fw = frames.shape[-2:]
        frames = frames.reshape(batch, -1, 3, fh, fw).transpose(1, 2)
        return frames[:, :, TEMPORAL - 1:]


def _onnx_weights(path):
    """Initializers of an exported graph as float tensors, int8 ones dequantised (training/quantize.py)."""
    inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in onnx.load(path).graph.initializer}
    weights = {}
    for name, value in inits.items():
        if name.endswith("_int8"):
            base = name[:-len("_int8")]
            scale = inits[base + "_scale"]
            weights[base] = value.float() * scale.reshape(-1, *([1] * (value.dim() - 1)))
        elif not name.endswith(("_scale", "_zero")):
            weights[name] = value.float()
    return weights


def autoencoder_from_pack(folder):
    """The pack's video autoencoder as a torch module (eval mode, frozen), from its two ONNX graphs.

    The graphs keep the modules' parameter names (`ae.enc2d.0.weight`, ...); the latent statistics
    are the two unnamed [1, C, 1, 1, 1] constants: the encoder subtracts the mean and divides by the
    std, the decoder multiplies by the std and adds the mean.
    """
    ae = VideoAutoencoder()
    state = {}
    for graph in ("vae_encoder.onnx", "vae_decoder.onnx"):
        for name, value in _onnx_weights(os.path.join(folder, graph)).items():
            if name.startswith("ae."):
                state[name[3:]] = value
            elif "Sub" in name or "Add" in name:
                state["latent_mean"] = value.flatten()
            elif "Div" in name or "Mul" in name:
                state["latent_std"] = value.flatten()
    missing = set(ae.state_dict()) - set(state)
    if missing:
        raise ValueError(f"{folder}: the graphs lack {sorted(missing)}")
    ae.load_state_dict(state)
    return ae.eval().requires_grad_(False)


class SuperResolvingDecoderExport(nn.Module):
    """The graph the pipeline runs as the pack's vaeDecoder: latents → frames."""

    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, latents):
        return self.decoder(latents)
