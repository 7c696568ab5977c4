"""The manifest's `preview`: a linear latent -> RGB map fitted to the pack's own VAE decoder.

Random normalised latents (what the DiT produces) are decoded as first frames; each latent pixel is
paired with the mean colour of the 8x8 pixel block it decodes to, and a 16 -> 3 map with bias is fitted
by least squares. Colours are in [0, 1], as src/pipeline/preview.ts expects. Because it uses only the
decoder, it works for any weights.
"""
from __future__ import annotations

import numpy as np
import torch


def fit_preview(decoder, channels: int, spatial: int, samples: int = 8, height: int = 8, width: int = 8,
                seed: int = 0) -> dict:
    gen = torch.Generator().manual_seed(seed)
    xs, ys = [], []
    with torch.no_grad():
        for _ in range(samples):
            latent = torch.randn(1, channels, 1, height, width, generator=gen)
            frames, _ = decoder.first(latent)  # [1, 3, 1, H, W] in [-1, 1]
            rgb = (frames[0, :, 0] + 1) / 2
            blocks = torch.nn.functional.avg_pool2d(rgb[None], spatial)[0]  # [3, h, w]
            xs.append(latent[0, :, 0].reshape(channels, -1).T.numpy())
            ys.append(blocks.reshape(3, -1).T.numpy())
    x = np.concatenate(xs).astype(np.float64)
    y = np.concatenate(ys).astype(np.float64)
    solution, *_ = np.linalg.lstsq(np.concatenate([x, np.ones((len(x), 1))], axis=1), y, rcond=None)
    return {"weights": [[round(float(v), 6) for v in row] for row in solution[:-1]],
            "bias": [round(float(v), 6) for v in solution[-1]]}
