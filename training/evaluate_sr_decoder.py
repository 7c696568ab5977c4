"""The super-resolving decoder against the shipped decoder + nearest-neighbour 4x, measured the same way.

    /usr/bin/python3 training/evaluate_sr_decoder.py [--pack public/models/tessera-tiny-2]
                                                     [--candidate /tmp/tessera-tiny-2-candidate]
                                                     [--out training/results/sr-decoder-eval.json]

Held-out scenes (world.held_out_specs), drawn at the model size and encoded by the shipped encoder;
their latents, clean and with the noise of an inexact DiT sample (sigma 0.3 in unit-scale latent
units), are decoded by each decoder. Each output is compared at 4x the model size with the same scene
drawn there anti-aliased (4 x 4 samples per pixel): PSNR over all pixels and over the band of
pixels at the scene's edges; the edges' sharpness (the frames' squared image gradients summed, over
the target's: 1 is as sharp as the target, a blur lowers it, nearest-neighbour steps, noise or ringing
raise it); and the held-out checker (training/scoring.py: colour, shape, direction, ...) on the 4x
frames. Both decoders run with the int8 weights their packs ship (dequantised).
With --candidate, a second super-resolving pack (a retrained decoder) is measured beside --pack.
"""
import argparse
import json
import math
import os
import random

import torch
import torch.nn.functional as F

import scoring
import world
from pngio import grid, write_png
from sr_decoder import UPSCALE, SuperResolvingDecoder, _onnx_weights, autoencoder_from_pack
from train import edge_weight

# (latent noise, aspect, frames, held-out scenes): every size with clean latents; the default size with noisy ones too.
SETTINGS = [(0.0, "1:1", 17, slice(0, 64)), (0.0, "16:9", 9, slice(0, 20)), (0.0, "9:16", 9, slice(20, 40)),
            (0.3, "1:1", 17, slice(0, 64))]
BATCH = 8
CANDIDATE = "candidate super-resolving decoder"


def shipped_sr_decoder(fp32_pack, int8_graph):
    """The new decoder with the int8 graph's dequantised weights (what the pack runs)."""
    decoder = SuperResolvingDecoder(autoencoder_from_pack(fp32_pack))
    weights = {k[len("decoder."):]: v for k, v in _onnx_weights(int8_graph).items() if k.startswith("decoder.")}
    decoder.load_state_dict({**decoder.state_dict(), **weights})
    return decoder.eval().requires_grad_(False)


def nearest_4x(clips):
    return clips.repeat_interleave(UPSCALE, dim=-2).repeat_interleave(UPSCALE, dim=-1)


def gradient_energy(clips):
    """Sum of squared horizontal and vertical pixel differences: an edge blurred over k pixels has 1/k of a sharp one's."""
    return ((clips[..., :, 1:] - clips[..., :, :-1]) ** 2).sum().item() + ((clips[..., 1:, :] - clips[..., :-1, :]) ** 2).sum().item()


def psnr(mse):
    return round(-10 * math.log10(max(mse, 1e-12)), 2)


@torch.no_grad()
def evaluate(encoder, decoders, specs, aspect, frames, sigma, seed):
    rng = random.Random(seed)
    sums = {name: {"mse": 0.0, "edge_mse": 0.0, "gradient_energy": 0.0, "scores": []} for name in decoders}
    edge_pixels = pixels = target_energy = 0
    samples, target_scores = {}, []
    for start in range(0, len(specs), BATCH):
        batch = specs[start:start + BATCH]
        state = rng.getstate()
        small = world.render_batch(batch, aspect, frames, rng)
        rng.setstate(state)
        target = world.render_batch(batch, aspect, frames, rng, scale=UPSCALE, supersample=4)
        z = encoder.encode(small)
        z = z + sigma * torch.randn(z.shape, generator=torch.Generator().manual_seed(seed + start))
        target_scores += [scoring.score(c, s) for c, s in zip(target, batch)]
        edges = (edge_weight(target) > 1).float()
        edge_pixels += edges.sum().item() * 3
        pixels += target.numel()
        target_energy += gradient_energy(target)
        for name, decode in decoders.items():
            out = decode(z).clamp(0, 1)
            err = (out - target) ** 2
            sums[name]["mse"] += err.sum().item()
            sums[name]["edge_mse"] += (err * edges).sum().item()
            sums[name]["gradient_energy"] += gradient_energy(out)
            sums[name]["scores"] += [scoring.score(c, s) for c, s in zip(out, batch)]
            if start == 0:
                samples[name] = out[:4]
        if start == 0:
            samples["target (anti-aliased 4x)"] = target[:4]
    report = {name: {"psnr_db": psnr(v["mse"] / pixels), "edge_psnr_db": psnr(v["edge_mse"] / edge_pixels),
                     "gradient_energy_ratio": round(v["gradient_energy"] / target_energy, 3),
                     "scores": scoring.summarise(v["scores"])} for name, v in sums.items()}
    report["the targets themselves (what a perfect decoder scores)"] = {"scores": scoring.summarise(target_scores)}
    return report, samples


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pack", default="public/models/tessera-tiny-2")
    p.add_argument("--base", default="public/models/tessera-tiny")
    p.add_argument("--fp32-pack", default="public/models/tessera-tiny-fp32")
    p.add_argument("--candidate", help="another super-resolving pack to measure beside --pack")
    p.add_argument("--out", default="training/results/sr-decoder-eval.json")
    p.add_argument("--grid", default="training/results/sr-decoder-compare.png")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    encoder = autoencoder_from_pack(args.base)  # the int8 encoder, as the app's video modes run it
    old = autoencoder_from_pack(args.base)
    new = shipped_sr_decoder(args.fp32_pack, os.path.join(args.pack, "vae_decoder.onnx"))
    decoders = {"shipped decoder + nearest 4x": lambda z: nearest_4x(old.decode(z)), "super-resolving decoder": new}
    if args.candidate:
        decoders[CANDIDATE] = shipped_sr_decoder(args.fp32_pack, os.path.join(args.candidate, "vae_decoder.onnx"))
    specs = world.held_out_specs()
    report = {"note": " ".join(__doc__.split("\n\n")[1].split()), "settings": {}}
    for sigma, aspect, frames, chosen in SETTINGS:
        label = "clean latents" if sigma == 0 else f"noisy latents (sigma {sigma})"
        key = f"{label}, {aspect} {frames}f, {len(specs[chosen])} scenes"
        report["settings"][key], samples = evaluate(encoder, decoders, specs[chosen], aspect, frames, sigma, seed=99)
        print(key, json.dumps({n: (r.get("psnr_db"), r.get("edge_psnr_db")) for n, r in report["settings"][key].items()}), flush=True)
        if sigma == 0 and aspect == "1:1":
            shown = [*decoders, "target (anti-aliased 4x)"]
            rows = [samples[n][:, :, [0, 8, 16]] for n in shown]
            # Per scene: the shipped decoder + nearest, the new decoder (and the candidate), the target; frames 0, 8 and 16.
            write_png(args.grid, grid(torch.stack([r[i] for i in range(4) for r in rows]), frames_per_clip=3))
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
