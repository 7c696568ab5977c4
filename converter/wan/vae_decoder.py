"""Tessera's Wan2.1 VAE decoder, streaming one latent frame at a time.

Module keys are those of Diffusers' `AutoencoderKLWan` decoder half (`post_quant_conv.*`, `decoder.*`), so a
Diffusers `vae/` state dict loads unchanged. The architecture: causal 3x3x3 convolutions, RMS norms over channels,
a middle block with single-head spatial attention, four up blocks (two of them upsampling in time as well as space)
and an output head.

Streaming. Every causal convolution with a temporal kernel of 3 sees the two frames before its input. Decoding one
latent frame at a time, those frames come from the previous call, so each such convolution keeps a cache of the last
two frames of its input. The first call has no past: its caches start as zeros, which is exactly the convolution's
causal zero padding. A cache that would hold one real frame (after the first call) is kept as [zero, frame]: the
same zero padding, so every cache has a fixed shape of two frames and the step graph has fixed inputs.
The temporal upsamplers skip their time convolution on the first call (one latent frame -> one video frame), and
on the second call see zeros as their past: their first-call cache outputs are zeros.

Tensors inside the module are frames-major, [T, C, H, W] (the batch is always 1), so that the two-dimensional
convolutions, norms and attention need no transposes; `conv3d_as_conv2d` chooses how a causal convolution runs:
one Conv3d, or (for WebGPU, whose Conv3D kernel is naive) one Conv2d per temporal tap over the shifted frames,
summed. Both forms compute the same numbers. The Conv2d form also never builds a tensor longer than a call's own
frames, so at the pack's sizes no tensor of a step passes WebGPU's default 128 MiB per binding.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

CACHE_FRAMES = 2
UNUSED_BY_DESIGN_PREFIXES = ('encoder.', 'quant_conv.')
RMS_EPS = 1e-12  # F.normalize's floor on the channel norm


def _check_config(config):
    problems = []
    if config.get('is_residual', False):
        problems.append('is_residual=true (the Wan2.2 VAE) is not supported')
    if config.get('patch_size') not in (None, 1):
        problems.append(f"patch_size={config.get('patch_size')} (the Wan2.2 VAE) is not supported")
    if config.get('attn_scales', []):
        problems.append(f"attn_scales={config['attn_scales']}: only [] (Wan2.1) is supported")
    dim_mult = config.get('dim_mult', [1, 2, 4, 4])
    temporal = config.get('temperal_downsample', [False, True, True])
    if len(temporal) != len(dim_mult) - 1:
        problems.append(f'temperal_downsample has {len(temporal)} entries, dim_mult {len(dim_mult)}: '
                        'expected one fewer')
    if config.get('out_channels', 3) != 3:
        problems.append(f"out_channels={config['out_channels']}: only 3 is supported")
    if problems:
        raise ValueError('Wan VAE config not supported: ' + '; '.join(problems))


class CausalConv(nn.Module):
    """A convolution causal in time: `weight` [out, in, kt, kh, kw], spatial padding kh//2, kw//2.

    `forward(frames, cache, streams)` takes [T, C, H, W] frames and the kt-1 frames before them (None: zeros) and
    returns the output frames; with a temporal kernel of 3 it appends the next cache (the last two input frames,
    past included) to `streams.out`."""

    def __init__(self, in_dim, out_dim, kernel):
        super().__init__()
        self.kernel = kernel
        self.weight = nn.Parameter(torch.empty(out_dim, in_dim, *kernel))
        self.bias = nn.Parameter(torch.empty(out_dim))
        self.spatial_padding = (kernel[1] // 2, kernel[2] // 2)
        self.as_conv2d = False
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        nn.init.uniform_(self.bias, -1 / math.sqrt(in_dim * math.prod(kernel)), 1 / math.sqrt(in_dim * math.prod(kernel)))

    def forward(self, frames, streams=None):
        taps = self.kernel[0]
        if taps == 1:
            return self._tap(frames, 0, with_bias=True) if self.as_conv2d else self._conv3d(frames, 0)
        past = streams.take() if streams is not None else None
        zero_past = past is None
        if zero_past:
            past = _zero_frames(frames, taps - 1)
        if streams is not None:
            streams.give(_last_frames(past, frames, CACHE_FRAMES))
        if zero_past and frames.shape[0] == 1:
            # one frame after zeros: only the last temporal tap sees anything
            return self._tap(frames, taps - 1, with_bias=True) if self.as_conv2d else self._conv3d(frames, taps - 1)
        if self.as_conv2d:
            # each tap reads its own window of past + frames, so no tensor is longer than `frames` (at the widest
            # level a longer one would pass WebGPU's default 128 MiB per binding)
            out = None
            for tap in range(taps):
                term = self._tap(_window(past, frames, tap), tap, with_bias=out is None)
                out = term if out is None else out + term
            return out
        return self._conv3d(torch.cat([past, frames], dim=0), 0)

    def _tap(self, frames, tap, with_bias):
        return F.conv2d(frames, self.weight[:, :, tap], self.bias if with_bias else None, padding=self.spatial_padding)

    def _conv3d(self, sequence, first_tap):
        """Valid convolution in time over `sequence` with the taps from `first_tap` on."""
        volume = sequence.permute(1, 0, 2, 3).unsqueeze(0)
        out = F.conv3d(volume, self.weight[:, :, first_tap:], self.bias, padding=(0, *self.spatial_padding))
        return out.squeeze(0).permute(1, 0, 2, 3)


def _window(past, frames, start):
    """Frames start .. start + T of cat(past, frames) (T = frames' count), concatenating only that window."""
    count, held = frames.shape[0], past.shape[0]
    from_past = max(0, min(held - start, count))
    if from_past == 0:
        return frames[start - held:start - held + count]
    if from_past == count:
        return past[start:start + count]
    return torch.cat([past[start:], frames[:count - from_past]], dim=0)


def _last_frames(past, frames, count):
    """The last `count` frames of cat(past, frames)."""
    if frames.shape[0] >= count:
        return frames[-count:]
    return torch.cat([past[past.shape[0] - (count - frames.shape[0]):], frames], dim=0)


def _zero_frames(frames, count):
    """`count` zero frames shaped like `frames`' (traced as ops on its shape, so H and W stay dynamic)."""
    return torch.zeros_like(frames[:1]).expand(count, -1, -1, -1)


class CacheStreams:
    """The caches one call reads (in order; None on the first call) and writes (in the same order)."""

    def __init__(self, caches_in=None):
        self.caches_in = list(caches_in) if caches_in is not None else None
        self.out = []

    def take(self):
        return None if self.caches_in is None else self.caches_in[len(self.out)]

    def give(self, cache):
        self.out.append(cache)

    @property
    def first_call(self):
        return self.caches_in is None


class RmsNorm(nn.Module):
    """x / |x|_channels * sqrt(C) * gamma (`gamma` stored [C, 1, 1, 1] or [C, 1, 1] as in the checkpoint)."""

    def __init__(self, dim, gamma_shape):
        super().__init__()
        self.scale = dim ** 0.5
        self.gamma = nn.Parameter(torch.ones(dim, *gamma_shape))

    def forward(self, frames):
        norm = frames.pow(2).sum(dim=1, keepdim=True).sqrt().clamp(min=RMS_EPS)
        return frames / norm * (self.scale * self.gamma.reshape(1, -1, 1, 1))


class ResidualBlock(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.norm1 = RmsNorm(in_dim, (1, 1, 1))
        self.conv1 = CausalConv(in_dim, out_dim, (3, 3, 3))
        self.norm2 = RmsNorm(out_dim, (1, 1, 1))
        self.conv2 = CausalConv(out_dim, out_dim, (3, 3, 3))
        self.conv_shortcut = CausalConv(in_dim, out_dim, (1, 1, 1)) if in_dim != out_dim else None

    def forward(self, frames, streams):
        shortcut = self.conv_shortcut(frames) if self.conv_shortcut is not None else frames
        x = self.conv1(F.silu(self.norm1(frames)), streams)
        x = self.conv2(F.silu(self.norm2(x)), streams)
        return x + shortcut


class AttentionBlock(nn.Module):
    """Single-head self-attention over the positions of each frame."""

    def __init__(self, dim):
        super().__init__()
        self.norm = RmsNorm(dim, (1, 1))
        self.to_qkv = nn.Conv2d(dim, dim * 3, 1)
        self.proj = nn.Conv2d(dim, dim, 1)

    def forward(self, frames):
        t, c, h, w = frames.shape
        qkv = self.to_qkv(self.norm(frames)).reshape(t, 3 * c, h * w).transpose(1, 2)
        q, k, v = qkv.chunk(3, dim=2)
        weights = torch.softmax(torch.matmul(q, k.transpose(1, 2)) / math.sqrt(c), dim=-1)
        attended = torch.matmul(weights, v).transpose(1, 2).reshape(t, c, h, w)
        return frames + self.proj(attended)


class MidBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.resnets = nn.ModuleList([ResidualBlock(dim, dim), ResidualBlock(dim, dim)])
        self.attentions = nn.ModuleList([AttentionBlock(dim)])

    def forward(self, frames, streams):
        x = self.resnets[0](frames, streams)
        x = self.attentions[0](x)
        return self.resnets[1](x, streams)


class Upsampler(nn.Module):
    """Doubles H and W (nearest, then a 3x3 conv to `dim // 2` channels); with `temporal`, first doubles the frames
    with a causal (3,1,1) conv to 2*dim channels whose halves are the even and odd output frames."""

    def __init__(self, dim, temporal):
        super().__init__()
        # nearest at an exact factor of 2 is the same as the checkpoint's 'nearest-exact', and exports to ONNX
        self.resample = nn.Sequential(nn.Upsample(scale_factor=2.0, mode='nearest'), nn.Conv2d(dim, dim // 2, 3, padding=1))
        self.time_conv = CausalConv(dim, dim * 2, (3, 1, 1)) if temporal else None

    def forward(self, frames, streams):
        if self.time_conv is not None:
            frames = self._double_frames(frames, streams)
        # one frame at a time: at the widest level the upsampled frames together would pass WebGPU's default
        # 128 MiB per binding
        return torch.cat([self.resample(frames[i:i + 1]) for i in range(frames.shape[0])], dim=0)

    def _double_frames(self, frames, streams):
        if streams.first_call:
            # The first latent frame decodes to one video frame: no temporal upsampling, and the next call sees
            # zeros as this conv's past.
            streams.give(_zero_frames(frames, CACHE_FRAMES))
            return frames
        t, c, h, w = frames.shape
        doubled = self.time_conv(frames, streams)
        return doubled.reshape(t, 2, c, h, w).reshape(t * 2, c, h, w)


class UpBlock(nn.Module):
    def __init__(self, in_dim, out_dim, num_res_blocks, upsample):
        super().__init__()
        dims = [in_dim] + [out_dim] * (num_res_blocks + 1)
        self.resnets = nn.ModuleList([ResidualBlock(a, b) for a, b in zip(dims[:-1], dims[1:])])
        self.upsamplers = nn.ModuleList([Upsampler(out_dim, upsample == 'temporal')]) if upsample else None

    def forward(self, frames, streams):
        for resnet in self.resnets:
            frames = resnet(frames, streams)
        if self.upsamplers is not None:
            frames = self.upsamplers[0](frames, streams)
        return frames


class Decoder(nn.Module):
    def __init__(self, dim, z_dim, dim_mult, num_res_blocks, temporal_upsample):
        super().__init__()
        dims = [dim * m for m in [dim_mult[-1]] + dim_mult[::-1]]
        self.conv_in = CausalConv(z_dim, dims[0], (3, 3, 3))
        self.mid_block = MidBlock(dims[0])
        blocks = []
        for i, (in_dim, out_dim) in enumerate(zip(dims[:-1], dims[1:])):
            # every upsampler halves the channels, so each block after the first starts at half its nominal width
            block_in = in_dim // 2 if i > 0 else in_dim
            last = i == len(dim_mult) - 1
            upsample = None if last else ('temporal' if temporal_upsample[i] else 'spatial')
            blocks.append(UpBlock(block_in, out_dim, num_res_blocks, upsample))
        self.up_blocks = nn.ModuleList(blocks)
        self.norm_out = RmsNorm(dims[-1], (1, 1, 1))
        self.conv_out = CausalConv(dims[-1], 3, (3, 3, 3))

    def forward(self, frames, streams):
        x = self.conv_in(frames, streams)
        x = self.mid_block(x, streams)
        for block in self.up_blocks:
            x = block(x, streams)
        return self.conv_out(F.silu(self.norm_out(x)), streams)


class WanVaeDecoder(nn.Module):
    """Streaming Wan2.1 VAE decoder built from a Diffusers `vae/config.json` dict.

    `first(latent)` decodes the first latent frame to one video frame; `step(latent, caches)` decodes each later one
    to `temporal_scale` (4) frames. `latent` is [1, z_dim, 1, h, w] as the DiT sees it (normalised); frames are
    [1, 3, n, 8h, 8w] in [-1, 1]; caches are a list of `cache_count` tensors [2, C_i, H_i, W_i]."""

    def __init__(self, config, conv3d_as_conv2d=False):
        super().__init__()
        _check_config(config)
        base_dim = config.get('decoder_base_dim') or config.get('base_dim', 96)
        self.z_dim = config.get('z_dim', 16)
        dim_mult = list(config.get('dim_mult', [1, 2, 4, 4]))
        temporal_downsample = list(config.get('temperal_downsample', [False, True, True]))
        mean = torch.tensor(config['latents_mean'], dtype=torch.float32)
        std = torch.tensor(config['latents_std'], dtype=torch.float32)
        if mean.numel() != self.z_dim or std.numel() != self.z_dim:
            raise ValueError(f'latents_mean/latents_std have {mean.numel()}/{std.numel()} entries, z_dim is {self.z_dim}')
        self.register_buffer('latents_mean', mean.reshape(1, -1, 1, 1), persistent=False)
        self.register_buffer('latents_std', std.reshape(1, -1, 1, 1), persistent=False)
        self.temporal_scale = 2 ** sum(temporal_downsample)
        self.spatial_scale = 2 ** len(temporal_downsample)
        self.post_quant_conv = CausalConv(self.z_dim, self.z_dim, (1, 1, 1))
        self.decoder = Decoder(base_dim, self.z_dim, dim_mult, config.get('num_res_blocks', 2), temporal_downsample[::-1])
        self.cache_count = sum(1 for m in self.modules() if isinstance(m, CausalConv) and m.kernel[0] > 1)
        self.set_conv3d_as_conv2d(conv3d_as_conv2d)

    def set_conv3d_as_conv2d(self, enabled):
        self.conv3d_as_conv2d = bool(enabled)
        for module in self.modules():
            if isinstance(module, CausalConv):
                module.as_conv2d = bool(enabled)

    def first(self, latent):
        return self._decode(latent, CacheStreams())

    def step(self, latent, caches):
        if len(caches) != self.cache_count:
            raise ValueError(f'step() got {len(caches)} caches, the decoder has {self.cache_count}')
        return self._decode(latent, CacheStreams(caches))

    def _decode(self, latent, streams):
        if latent.dim() != 5 or latent.shape[0] != 1 or latent.shape[1] != self.z_dim or latent.shape[2] != 1:
            raise ValueError(f'latent must be [1, {self.z_dim}, 1, h, w], got {list(latent.shape)}')
        z = latent[:, :, 0] * self.latents_std + self.latents_mean
        x = self.post_quant_conv(z)
        frames = self.decoder(x, streams).clamp(-1.0, 1.0)
        if len(streams.out) != self.cache_count:
            raise AssertionError(f'decoder wrote {len(streams.out)} caches, expected {self.cache_count}')
        return frames.permute(1, 0, 2, 3).unsqueeze(0), streams.out

    def decode_clip(self, latents):
        """Whole-clip decode of [1, z_dim, T, h, w] latents, one frame at a time: [1, 3, 1 + 4(T-1), H, W]."""
        frames, caches = self.first(latents[:, :, :1])
        clip = [frames]
        for t in range(1, latents.shape[2]):
            frames, caches = self.step(latents[:, :, t:t + 1], caches)
            clip.append(frames)
        return torch.cat(clip, dim=2)


def load_vae_decoder_weights(decoder, state_dict):
    """Loads a Diffusers `AutoencoderKLWan` state dict strictly into `decoder`.

    Returns the keys that are unused by design (the encoder and `quant_conv`); any other unknown key, a missing key
    or a shape mismatch raises ValueError naming them."""
    own = decoder.state_dict()
    unused = sorted(k for k in state_dict if k.startswith(UNUSED_BY_DESIGN_PREFIXES))
    offered = {k: v for k, v in state_dict.items() if not k.startswith(UNUSED_BY_DESIGN_PREFIXES)}
    missing = sorted(set(own) - set(offered))
    unknown = sorted(set(offered) - set(own))
    mismatched = sorted(f'{k} {list(v.shape)} (expected {list(own[k].shape)})'
                        for k, v in offered.items() if k in own and tuple(v.shape) != tuple(own[k].shape))
    problems = []
    if missing:
        problems.append(f'{len(missing)} missing: ' + ', '.join(missing[:8]) + (' ...' if len(missing) > 8 else ''))
    if unknown:
        problems.append(f'{len(unknown)} unknown: ' + ', '.join(unknown[:8]) + (' ...' if len(unknown) > 8 else ''))
    if mismatched:
        problems.append(f'{len(mismatched)} with the wrong shape: ' + ', '.join(mismatched[:8]))
    if problems:
        raise ValueError('Wan VAE decoder weights do not match the config: ' + '; '.join(problems))
    decoder.load_state_dict({k: v.float() for k, v in offered.items()}, strict=True)
    return unused
