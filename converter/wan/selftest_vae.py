"""Self-test of Tessera's streaming Wan VAE decoder on the tiny config (run by test/unit/wanVae.test.ts).

    /usr/bin/python3 converter/wan/selftest_vae.py OUT_DIR

Checks in torch, raising on the first failure:
- strict loading: a missing, an unknown or a misshapen key is a ValueError naming it; encoder keys are returned as
  unused by design;
- streaming (first + step + step, fixed-shape caches) equals a whole-clip decode written here independently, over
  full [1, C, T, H, W] volumes with causal zero padding;
- the per-tap Conv2d form equals the Conv3d form.
Then exports the graphs (Conv2d form, as the converter ships them) to OUT_DIR and writes latents and the torch
frames for onnxruntime-node to compare, also at a latent size other than the one traced at (h and w are dynamic). OUT_DIR/selftest.json describes the cases.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vae_decoder import WanVaeDecoder, load_vae_decoder_weights  # noqa: E402
from vae_export import export_vae_decoder_onnx  # noqa: E402

TINY_CONFIG = dict(base_dim=8, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2, attn_scales=[],
                   temperal_downsample=[False, True, True], is_residual=False,
                   latents_mean=[0.05 * i - 0.4 for i in range(16)], latents_std=[1.0 + 0.1 * i for i in range(16)])
TOLERANCE = 1e-5


def random_diffusers_state(decoder, seed):
    """The decoder's keys with random values (norm gammas away from 1), plus one encoder key."""
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for key, value in decoder.state_dict().items():
        noise = torch.randn(value.shape, generator=generator)
        if key.endswith('gamma'):
            state[key] = 1 + 0.2 * noise
        elif key.endswith('bias'):
            state[key] = 0.1 * noise
        else:
            state[key] = noise / value[0].numel() ** 0.5  # unit gain over the fan-in
    state['encoder.conv_in.weight'] = torch.zeros(8, 3, 3, 3, 3)
    return state


def expect_load_error(decoder, state, words):
    try:
        load_vae_decoder_weights(decoder, state)
    except ValueError as error:
        if not all(word in str(error) for word in words):
            raise AssertionError(f'load error {error!r} does not name {words}')
        return
    raise AssertionError(f'loading a state dict with {words} did not fail')


def check_strict_loading(decoder, state):
    key = 'decoder.up_blocks.1.resnets.0.conv_shortcut.weight'
    expect_load_error(decoder, {k: v for k, v in state.items() if k != key}, ['missing', key])
    expect_load_error(decoder, {**state, 'decoder.up_blocks.9.norm.gamma': torch.ones(1)},
                      ['unknown', 'decoder.up_blocks.9.norm.gamma'])
    expect_load_error(decoder, {**state, 'decoder.conv_out.bias': torch.zeros(4)}, ['wrong shape', 'decoder.conv_out.bias'])
    unused = load_vae_decoder_weights(decoder, state)
    if unused != ['encoder.conv_in.weight']:
        raise AssertionError(f'unused-by-design keys: {unused}')


# --- the whole-clip reference: one pass over [1, C, T, H, W], no caches ---

def causal(conv, volume):
    kt, kh, kw = conv.kernel
    return F.conv3d(F.pad(volume, (kw // 2, kw // 2, kh // 2, kh // 2, kt - 1, 0)), conv.weight, conv.bias)


def rms(norm, volume):
    return F.normalize(volume, dim=1) * norm.scale * norm.gamma.reshape(1, -1, 1, 1, 1)


def per_frame(module, volume):
    frames = module(volume[0].permute(1, 0, 2, 3))
    return frames.permute(1, 0, 2, 3).unsqueeze(0)


def residual(block, volume):
    shortcut = causal(block.conv_shortcut, volume) if block.conv_shortcut is not None else volume
    x = causal(block.conv1, F.silu(rms(block.norm1, volume)))
    return causal(block.conv2, F.silu(rms(block.norm2, x))) + shortcut


def upsample(upsampler, volume):
    if upsampler.time_conv is not None:
        # the first frame is not doubled; the later ones are, with zeros (not the first frame) as their past
        head, rest = volume[:, :, :1], volume[:, :, 1:]
        if rest.shape[2] > 0:
            b, c, t, h, w = rest.shape
            doubled = causal(upsampler.time_conv, rest).reshape(b, 2, c, t, h, w)
            volume = torch.cat([head, torch.stack([doubled[:, 0], doubled[:, 1]], dim=3).reshape(b, c, 2 * t, h, w)], 2)
    return per_frame(upsampler.resample, volume)


def whole_clip_decode(vae, latents):
    z = latents * vae.latents_std.unsqueeze(2) + vae.latents_mean.unsqueeze(2)
    dec = vae.decoder
    x = causal(dec.conv_in, causal(vae.post_quant_conv, z))
    x = residual(dec.mid_block.resnets[0], x)
    x = per_frame(dec.mid_block.attentions[0], x)
    x = residual(dec.mid_block.resnets[1], x)
    for block in dec.up_blocks:
        for resnet in block.resnets:
            x = residual(resnet, x)
        if block.upsamplers is not None:
            x = upsample(block.upsamplers[0], x)
    return causal(dec.conv_out, F.silu(rms(dec.norm_out, x))).clamp(-1, 1)


def max_diff(a, b):
    return float((a - b).abs().max())


def check(name, value, limit=TOLERANCE):
    if not value <= limit:
        raise AssertionError(f'{name}: max abs diff {value:.3g} over {limit:g}')
    return value


def write_case(out_dir, name, latents, frames):
    paths = []
    for t in range(latents.shape[2]):
        path = f'{name}_latent_{t}.bin'
        latents[:, :, t:t + 1].contiguous().numpy().astype('<f4').tofile(os.path.join(out_dir, path))
        paths.append(path)
    frames.contiguous().numpy().astype('<f4').tofile(os.path.join(out_dir, f'{name}_frames.bin'))
    return {'name': name, 'latents': paths, 'latentShape': [1, latents.shape[1], 1, *latents.shape[3:]],
            'frames': f'{name}_frames.bin', 'framesShape': list(frames.shape)}


def main(out_dir):
    torch.manual_seed(0)
    torch.set_num_threads(2)
    os.makedirs(out_dir, exist_ok=True)
    vae = WanVaeDecoder(TINY_CONFIG).eval()
    check_strict_loading(vae, random_diffusers_state(vae, seed=1))
    latents = torch.randn(1, 16, 3, 8, 8, generator=torch.Generator().manual_seed(2))
    narrow = torch.randn(1, 16, 2, 8, 4, generator=torch.Generator().manual_seed(3))
    figures = {}
    with torch.no_grad():
        reference = whole_clip_decode(vae, latents)
        streamed = vae.decode_clip(latents)
        if list(streamed.shape) != [1, 3, 9, 64, 64]:
            raise AssertionError(f'3 latent frames decoded to {list(streamed.shape)}, expected [1, 3, 9, 64, 64]')
        saturated = float((reference.abs() >= 1).float().mean())
        if saturated > 0.2:
            raise AssertionError(f'{saturated:.0%} of the reference frames are clamped: the comparison would be weak')
        figures['streaming_vs_whole_clip'] = check('streaming vs whole clip', max_diff(streamed, reference))
        vae.set_conv3d_as_conv2d(True)
        figures['conv2d_vs_conv3d'] = check('conv3d_as_conv2d vs Conv3d', max_diff(vae.decode_clip(latents), streamed))
        narrow_frames = vae.decode_clip(narrow)
    cases = [write_case(out_dir, 'square', latents, streamed), write_case(out_dir, 'narrow', narrow, narrow_frames)]
    # the shipped (Conv2d) form only: the Conv3d form equals it in torch above, and exporting it too would double
    # the self-test's time
    exported = export_vae_decoder_onnx(vae, out_dir, 8, 8, conv3d_as_conv2d=True)
    graphs = {'first': os.path.basename(exported['first']), 'step': os.path.basename(exported['step'])}
    summary = {'cacheCount': vae.cache_count, 'figures': figures, 'cases': cases, 'graphs': graphs}
    with open(os.path.join(out_dir, 'selftest.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    print(json.dumps({'cacheCount': vae.cache_count, 'figures': figures}))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: selftest_vae.py OUT_DIR')
    main(sys.argv[1])
