"""ONNX export of the streaming Wan VAE decoder: the `vaeDecoderFirst` and `vaeDecoderStep` graphs.

Graph I/O (float32, names fixed by the pack contract):
- vae_decoder_first.onnx: `latent` [1, C, 1, h, w] -> `frames` [1, 3, 1, 8h, 8w], `cache_out_0..K-1`
- vae_decoder_step.onnx:  `latent` [1, C, 1, h, w], `cache_in_0..K-1` -> `frames` [1, 3, 4, 8h, 8w], `cache_out_0..K-1`
h and w are dynamic; every cache is [2, C_i, H_i, W_i] with H_i, W_i a fixed multiple of h, w, and the step graph
hands `cache_out_i` back as `cache_in_i` on the next call. Caches are frames-major, two frames each; the first
graph's time-upsampler caches are zeros. Both graphs carry their own fp32 weights; the first graph only the last
temporal tap of each 3-tap conv (its past is zeros), about a third of the step graph's bytes.
"""
import os

import torch
import torch.nn as nn

from vae_decoder import WanVaeDecoder

FIRST_GRAPH_FILE = 'vae_decoder_first.onnx'
STEP_GRAPH_FILE = 'vae_decoder_step.onnx'
OPSET = 17


class _FirstGraph(nn.Module):
    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, latent):
        frames, caches = self.decoder.first(latent)
        return (frames, *caches)


class _StepGraph(nn.Module):
    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, latent, *caches):
        frames, caches_out = self.decoder.step(latent, list(caches))
        return (frames, *caches_out)


def _spatial_axes(names, height_axis):
    return {name: {height_axis: f'{name}_height', height_axis + 1: f'{name}_width'} for name in names}


def export_vae_decoder_onnx(decoder: WanVaeDecoder, folder, height_latent, width_latent, conv3d_as_conv2d=True):
    """Writes both graphs into `folder`, traced at a latent of `height_latent` x `width_latent` (h and w stay
    dynamic). `conv3d_as_conv2d` (default: on, for WebGPU) writes each causal conv as one Conv2d per temporal tap.
    Returns {'first': path, 'step': path, 'cache_count': K}."""
    os.makedirs(folder, exist_ok=True)
    decoder = decoder.eval()
    previous_form = decoder.conv3d_as_conv2d
    decoder.set_conv3d_as_conv2d(conv3d_as_conv2d)
    try:
        return _export_both(decoder, folder, height_latent, width_latent)
    finally:
        decoder.set_conv3d_as_conv2d(previous_form)


def _export_both(decoder, folder, height_latent, width_latent):
    count = decoder.cache_count
    cache_in = [f'cache_in_{i}' for i in range(count)]
    cache_out = [f'cache_out_{i}' for i in range(count)]
    latent = torch.zeros(1, decoder.z_dim, 1, height_latent, width_latent)
    with torch.no_grad():
        _, caches = decoder.first(latent)
    first_path = os.path.join(folder, FIRST_GRAPH_FILE)
    step_path = os.path.join(folder, STEP_GRAPH_FILE)
    latent_axes = {'latent': {3: 'latent_height', 4: 'latent_width'}}
    frame_axes = {'frames': {3: 'frame_height', 4: 'frame_width'}}
    with torch.no_grad():
        torch.onnx.export(_FirstGraph(decoder), (latent,), first_path, opset_version=OPSET,
                          input_names=['latent'], output_names=['frames', *cache_out],
                          dynamic_axes={**latent_axes, **frame_axes, **_spatial_axes(cache_out, 2)})
        torch.onnx.export(_StepGraph(decoder), (latent, *caches), step_path, opset_version=OPSET,
                          input_names=['latent', *cache_in], output_names=['frames', *cache_out],
                          dynamic_axes={**latent_axes, **frame_axes, **_spatial_axes(cache_in, 2),
                                        **_spatial_axes(cache_out, 2)})
    return {'first': first_path, 'step': step_path, 'cache_count': count}
