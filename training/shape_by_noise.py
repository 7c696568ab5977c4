"""Where does a checkpoint lose objects' shapes: at high noise (deciding the layout) or low (refining)?

    /usr/bin/python3 training/shape_by_noise.py --checkpoint training/runs/default/checkpoint.pt

Renders one-object training-distribution scenes (1:1, 17 frames), encodes them, noises the latents to
a start time (SDEdit), denoises them from there with the evaluation's sampler and the scene's caption,
decodes, and classifies the object's shape. Start 0 is the autoencoder alone; start 1 is generation
from pure noise. Prints one JSON line per start: shapes kept, and what each asked-for shape became.
"""
import argparse
import json
import random
from collections import Counter

import torch

import scoring
import world
from evaluate import EVAL_ASPECT, EVAL_FRAMES, caption_embeddings, euler_cfg, flow_schedule
from export import load_models
from models import patchify, unpatchify

BATCH = 16


def one_object_scenes(count, seed=4242):
    rng = random.Random(seed)
    specs = []
    while len(specs) < count:
        spec = world.sample_training_spec(rng)
        if spec["kind"] == "single":
            specs.append(spec)
    return specs


@torch.no_grad()
def denoise_from(models, latents, captions, start, steps, guidance, shift, seed, eta=0.0):
    """From `start` to 0 over the tail of the evaluation sampler's schedule, with CFG (Euler at eta 0)."""
    ae, _, dit, _ = models
    clean, positions = patchify(latents)
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn(clean.shape, generator=generator)
    times = flow_schedule(steps, shift)
    times = times[times <= start + 1e-6]
    tokens = (1 - times[0]) * clean + times[0] * noise
    tokens = euler_cfg(dit, tokens, positions, caption_embeddings(models, captions), times, guidance, eta, generator)
    return ae.decode(unpatchify(tokens, latents.shape)).clamp(0, 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--scenes", type=int, default=96)
    p.add_argument("--starts", default="0,0.4,0.6,0.8,0.9,1")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--guidance", type=float, default=4.0)
    p.add_argument("--shift", type=float, default=2.5)
    p.add_argument("--eta", type=float, default=0.0, help="share of fresh noise per step (evaluate.euler_cfg)")
    args = p.parse_args()
    torch.set_num_threads(1)
    models = load_models(args.checkpoint)
    specs = one_object_scenes(args.scenes)
    with torch.no_grad():
        latents = models[0].encode(world.render_batch(specs, EVAL_ASPECT, EVAL_FRAMES, random.Random(5)))
    for start in (float(s) for s in args.starts.split(",")):
        became, kept = {}, 0
        for b in range(0, len(specs), BATCH):
            batch = specs[b:b + BATCH]
            clips = denoise_from(models, latents[b:b + BATCH], [world.canonical_caption(s) for s in batch],
                                 start, args.steps, args.guidance, args.shift, seed=b, eta=args.eta)
            for clip, spec in zip(clips, batch):
                masks = scoring.object_masks(clip, scoring.background_colour(clip), exclude_gray=False)
                wanted, got = spec["objects"][0]["shape"], str(scoring.shape_of(masks))
                became.setdefault(wanted, Counter())[got] += 1
                kept += got == wanted
        print(json.dumps({"start": start, "shapes_kept": f"{kept}/{len(specs)}", "became": became}), flush=True)


if __name__ == "__main__":
    main()
