"""Minimal PNG writer (stdlib only) for sample grids and debugging."""
import struct
import zlib

import torch


def write_png(path, image):
    """Write an RGB image tensor [3, H, W] in [0, 1] as an 8-bit PNG."""
    rgb = (image.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).contiguous()
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + bytes(rgb[y].flatten().tolist()) for y in range(height))

    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
                + chunk(b"IEND", b""))


def grid(clips, frames_per_clip=5, pad=1):
    """Lay clips [N, 3, F, H, W] out as rows of evenly spaced frames: [3, H', W']."""
    n, _, f, h, w = clips.shape
    picks = [round(i * (f - 1) / max(1, frames_per_clip - 1)) for i in range(frames_per_clip)]
    out = torch.ones(3, n * (h + pad) + pad, len(picks) * (w + pad) + pad)
    for i in range(n):
        for j, k in enumerate(picks):
            y, x = pad + i * (h + pad), pad + j * (w + pad)
            out[:, y:y + h, x:x + w] = clips[i, :, k]
    return out
