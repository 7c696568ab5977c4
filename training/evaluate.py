"""Held-out evaluation of a checkpoint (torch) or of clips made by the shipped pipeline (y4m files).

    /usr/bin/python3 training/evaluate.py --checkpoint training/runs/default/checkpoint.pt
    /usr/bin/python3 training/evaluate.py --checkpoint CKPT --scenes validation   # to choose settings
    /usr/bin/python3 training/evaluate.py --clips DIR                         # score DIR/<i>.y4m
    /usr/bin/python3 training/evaluate.py --pack public/models/tessera-tiny-2 # via `npm run generate`
    /usr/bin/python3 training/evaluate.py --pack public/models/tessera-tiny --failures   # and list the misses
    /usr/bin/python3 training/evaluate.py --pack public/models/tessera-tiny-2 --grid docs/samples.png   # and the samples

The held-out scenes (world.held_out_specs) are never used in training; training and sampler settings
are compared on the validation scenes (world.validation_specs), so held-out scores stay a test.
Clips are scored at the size the pack decodes (32x32 for tessera-tiny, 128x128 for tessera-tiny-2,
whose decoder renders at 4x); `--score-size base` averages them down to the world's 32 pixels first.
The scorer's thresholds are shares of the frame, so one scale works at both (training/scoring_check.py
--scale 4). Results go to stdout as JSON.
"""
import argparse
import json
import math
import os
import random
import subprocess
import tempfile

import torch

import scoring
import world
from models import TEXT_LENGTH, patchify, unpatchify
from pngio import grid, write_png

EVAL_ASPECT, EVAL_FRAMES = "1:1", 17
SCENE_SETS = {"held-out": world.held_out_specs, "validation": world.validation_specs}


def flow_schedule(steps, shift):
    s = torch.linspace(1, 0, steps + 1)
    return shift * s / (1 + (shift - 1) * s)


def caption_embeddings(models, captions, negative=""):
    """Text embeddings of the captions, then of the negative caption once per caption (for CFG)."""
    _, text_encoder, _, vocab = models
    index = {w: i for i, w in enumerate(vocab)}
    ids = [world.encode_caption(c, index, TEXT_LENGTH) for c in captions + [negative] * len(captions)]
    return text_encoder(torch.tensor(ids))


def euler_cfg(dit, tokens, positions, text, times, guidance, eta=0.0, generator=None):
    """Steps along `times` with classifier-free guidance against the negative half of `text`.

    Each step predicts the clean sample and the noise from the velocity and moves to the next time;
    with `eta` > 0 that share of the noise is drawn afresh from `generator` (a stochastic sampler, measured
    only here: training/results/stochastic-sampler.json); 0 is plain Euler, the app's sampler."""
    n = len(tokens)
    for now, after in zip(times[:-1], times[1:]):
        v = dit(torch.cat([tokens, tokens]), positions, now.expand(2 * n), text)
        v_cond, v_neg = v[:n], v[n:]
        v = v_neg + guidance * (v_cond - v_neg)
        if eta == 0:
            tokens = tokens + (after - now) * v
            continue
        clean, noise = tokens - now * v, tokens + (1 - now) * v
        fresh = torch.randn(tokens.shape, generator=generator)
        tokens = (1 - after) * clean + after * ((1 - eta ** 2) ** 0.5 * noise + eta * fresh)
    return tokens


@torch.no_grad()
def sample(models, caption_list, aspect, frames, steps=20, guidance=4.0, shift=2.5, seed=0, negative="", eta=0.0):
    """With eta 0, the same sampler as src/pipeline/textToVideo.ts: Euler over shifted flow-matching times, CFG."""
    ae, _, dit, _ = models
    width, height = world.SIZES[aspect]
    text = caption_embeddings(models, caption_list, negative)
    shape = (len(caption_list), ae.latent_mean.shape[0], (frames + 3) // 4, height // 4, width // 4)
    generator = torch.Generator().manual_seed(seed)
    tokens, positions = patchify(torch.randn(shape, generator=generator))
    tokens = euler_cfg(dit, tokens, positions, text, flow_schedule(steps, shift), guidance, eta, generator)
    return ae.decode(unpatchify(tokens, shape)).clamp(0, 1)


def evaluate_models(models, specs, steps, guidance, shift, eta=0.0, grid_path=None):
    results = {}
    settings = [(EVAL_ASPECT, EVAL_FRAMES, specs), ("16:9", 33, specs[:20]), ("9:16", 33, specs[20:40]),
                ("1:1", 1, specs[:40])]
    for aspect, frames, chosen in settings:
        clips = []
        for start in range(0, len(chosen), 16):
            batch = chosen[start:start + 16]
            clips.append(sample(models, [world.canonical_caption(s) for s in batch], aspect, frames,
                                steps, guidance, shift, seed=start, eta=eta))
        clips = torch.cat(clips)
        key = f"{aspect} {frames}f"
        results[key] = scoring.score_clips(clips, chosen)
        if grid_path and frames == EVAL_FRAMES:
            write_grid(grid_path, clips[:12])
    return results


def write_grid(path, clips):
    """A PNG of the clips' rows of frames (docs/samples.png), nearest-enlarged to about 96-pixel frames
    when they are smaller (32-pixel decoders ×3), as they are when larger (tessera-tiny-2's 128)."""
    picture = grid(torch.stack(list(clips)))
    factor = max(1, 96 // clips[0].shape[-2])
    write_png(path, torch.nn.functional.interpolate(picture[None], scale_factor=factor)[0] if factor > 1 else picture)


@torch.no_grad()
def evaluate_autoencoder(ae, specs, count=48):
    rng = random.Random(99)
    specs = specs[:count]
    clips = world.render_batch(specs, EVAL_ASPECT, EVAL_FRAMES, rng)
    recon = ae.decode(ae.encode(clips)).clamp(0, 1)
    psnr = -10 * math.log10((recon - clips).pow(2).mean().item())
    return {"psnr_db": round(psnr, 2),
            "scores": scoring.score_clips(recon, specs)}


def read_y4m(path):
    """A clip [3, F, H, W] from a YUV 4:4:4 or 4:2:0 y4m file, BT.601. Limited range (what the CLI
    writes, and what players assume without an XCOLORRANGE tag) unless the header says FULL."""
    with open(path, "rb") as f:
        data = f.read()
    header, _, body = data.partition(b"\n")
    fields = {p[:1]: p[1:] for p in header.split()[1:]}
    width, height = int(fields[b"W"]), int(fields[b"H"])
    chroma = fields.get(b"C", b"420").decode()
    full_range = b"XCOLORRANGE=FULL" in header.split()
    luma = width * height
    side = luma if chroma.startswith("444") else luma // 4
    frames, offset = [], 0
    while offset < len(body):
        offset = body.index(b"\n", offset) + 1
        plane = torch.frombuffer(bytearray(body[offset:offset + luma + 2 * side]), dtype=torch.uint8).float()
        offset += luma + 2 * side
        y = plane[:luma].reshape(height, width)
        cw, ch = (width, height) if side == luma else (width // 2, height // 2)
        u = plane[luma:luma + side].reshape(ch, cw) - 128
        v = plane[luma + side:].reshape(ch, cw) - 128
        if side != luma:
            u = u.repeat_interleave(2, 0).repeat_interleave(2, 1)
            v = v.repeat_interleave(2, 0).repeat_interleave(2, 1)
        if not full_range:
            y, u, v = (y - 16) * (255 / 219), u * (255 / 224), v * (255 / 224)
        rgb = torch.stack([y + 1.402 * v, y - 0.344136 * u - 0.714136 * v, y + 1.772 * u])
        frames.append((rgb / 255).clamp(0, 1))
    return torch.stack(frames, dim=1)


def downscale_to(clip, aspect):
    width, height = world.SIZES[aspect]
    if clip.shape[-1] == width:
        return clip
    factor = clip.shape[-1] // width
    return torch.nn.functional.avg_pool3d(clip[None], (1, factor, factor))[0]


def pack_summary(pack):
    """What was evaluated: the pack's name, version and each graph's sha256 (a retrained file shows)."""
    with open(os.path.join(pack, "manifest.json")) as f:
        manifest = json.load(f)
    return {"folder": pack, "name": manifest["name"], "version": manifest["version"],
            "decoderUpscale": manifest.get("video", {}).get("decoderUpscale", 1),
            "sha256": {entry["path"]: entry["sha256"] for entry in manifest["files"]}}


def generate_with_cli(pack, folder, steps, guidance):
    """Make every held-out clip with the shipped TypeScript pipeline on onnxruntime-node."""
    for i, spec in enumerate(world.held_out_specs()):
        subprocess.run(["npx", "tsx", "cli/generate.ts", "--prompt", world.canonical_caption(spec),
                        "--seed", str(i), "--aspect", EVAL_ASPECT, "--frames", str(EVAL_FRAMES),
                        "--steps", str(steps), "--guidance", str(guidance), "--scale", "1",
                        "--model", pack, "--out", os.path.join(folder, f"{i}.y4m")],
                       check=True, stdout=subprocess.DEVNULL)


def score_clip_folder(folder, list_failures=False, score_size="native", grid_path=None):
    specs = world.held_out_specs()
    clips = [read_y4m(os.path.join(folder, f"{i}.y4m")) for i in range(len(specs))]
    if grid_path:
        write_grid(grid_path, clips[:12])
    if score_size == "base":
        clips = [downscale_to(c, EVAL_ASPECT) for c in clips]
    scores = [scoring.score(c, s) for c, s in zip(clips, specs)]
    height, width = clips[0].shape[-2:]
    report = {f"{EVAL_ASPECT} {EVAL_FRAMES}f": scoring.summarise(scores), "scored at": f"{width}x{height}"}
    if list_failures:
        report["failures"] = failures(scores, specs)
    return report


def failures(scores, specs):
    """Per category, the held-out scenes (index: caption) that failed it."""
    failed = {}
    for i, (result, spec) in enumerate(zip(scores, specs)):
        for category, passed in result.items():
            if not passed:
                failed.setdefault(category, []).append(f"{i}: {world.canonical_caption(spec)}")
    return failed


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint")
    p.add_argument("--clips", help="folder of <index>.y4m, one per held-out scene in order")
    p.add_argument("--pack", help="model pack folder to evaluate through `npm run generate`")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--guidance", type=float, default=4.0)
    p.add_argument("--shift", type=float, default=2.5, help="with --checkpoint: the sampler's time shift")
    p.add_argument("--eta", type=float, default=0.0,
                   help="with --checkpoint: share of fresh noise in each step (0: Euler)")
    p.add_argument("--scenes", choices=["held-out", "validation"], default="held-out",
                   help="with --checkpoint: which scene set to generate")
    p.add_argument("--grid", help="write a PNG grid of the first 12 held-out clips here (docs/samples.png)")
    p.add_argument("--failures", action="store_true", help="with --pack or --clips: list the scenes that fail")
    p.add_argument("--score-size", choices=["native", "base"], default="native",
                   help="with --pack or --clips: score clips as decoded, or averaged down to 32 pixels")
    args = p.parse_args()
    torch.set_num_threads(1)  # faster than 2 here: torch's threads and OpenBLAS's fight (train.py)
    if args.clips:
        print(json.dumps(score_clip_folder(args.clips, args.failures, args.score_size, args.grid), indent=1))
        return
    if args.pack:
        with tempfile.TemporaryDirectory() as folder:
            generate_with_cli(args.pack, folder, args.steps, args.guidance)
            print(json.dumps({"pack": pack_summary(args.pack),
                              "generation": score_clip_folder(folder, args.failures, args.score_size, args.grid)}, indent=1))
        return
    from export import load_models
    models = load_models(args.checkpoint)
    specs = SCENE_SETS[args.scenes]()
    report = {"scenes": args.scenes, "autoencoder": evaluate_autoencoder(models[0], specs),
              "generation": evaluate_models(models, specs, args.steps, args.guidance, args.shift, args.eta, args.grid)}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
