"""Checks that the automatic scorer (scoring.py) measures what it claims, on clips whose answer is known.

    /usr/bin/python3 training/scoring_check.py
    /usr/bin/python3 training/scoring_check.py --scale 4   # at tessera-tiny-2's decoded size, anti-aliased

- Ground-truth renders of the held-out scenes must pass every category.
- The same renders blurred 3x3 (at --scale 4, 9x9: the same radius in scene pixels; what an
  autoencoder's softness looks like, colour, shape and motion plainly unchanged to a viewer) must
  still pass colour, direction and occlusion.
- Controls that must fail: each clip scored against its scene with the object colour, the shape or
  the motion swapped for another. A scorer that passes those would pass anything.
Prints the rates as JSON and exits non-zero when a check fails.
"""
import argparse
import json
import random
import sys

import torch
import torch.nn.functional as F

import scoring
import world

ASPECT, FRAMES = "1:1", 17


def blurred(clip, radius=1):
    frames = clip.transpose(0, 1)  # [F, 3, H, W]
    soft = F.avg_pool2d(F.pad(frames, (radius,) * 4, mode="replicate"), 2 * radius + 1, stride=1)
    return soft.transpose(0, 1)


def swapped(spec, field, rng):
    """The scene with one object's `field` replaced by another valid value (a wrong answer)."""
    choices = {"colour": [c for c in world.COLOURS if c != spec["bg"]], "shape": world.SHAPES,
               "motion": world.MOTIONS if spec["kind"] == "single" else ["moving left", "moving right"]}
    objects = [dict(o) for o in spec["objects"]]
    others = {o[field] for o in objects}
    objects[0][field] = rng.choice([v for v in choices[field] if v not in others])
    return {**spec, "objects": objects}


def rates(clips, specs):
    return {k: v["rate"] for k, v in scoring.score_clips(clips, specs).items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--scale", type=int, default=1,
                   help="render the scenes at this many times the world's pixels (4: tessera-tiny-2's "
                        "decoded size), anti-aliased like its decoder's training targets")
    args = p.parse_args()
    torch.set_num_threads(1)
    rng = random.Random(7)
    specs = world.held_out_specs()
    supersample = 1 if args.scale == 1 else 4
    clips = world.render_batch(specs, ASPECT, FRAMES, rng, args.scale, supersample)
    blur = f"blurred {2 * args.scale + 1}x{2 * args.scale + 1}"
    report = {
        "scale": args.scale,
        "ground truth": rates(clips, specs),
        blur: rates([blurred(c, args.scale) for c in clips], specs),
        "wrong colour": rates(clips, [swapped(s, "colour", rng) for s in specs])["colour"],
        "wrong shape": rates(clips, [swapped(s, "shape", rng) for s in specs])["shape"],
        "wrong motion": rates(clips, [swapped(s, "motion", rng) for s in specs])["direction"],
    }
    print(json.dumps(report, indent=1))
    failures = [f"ground truth {k} {v}" for k, v in report["ground truth"].items() if v < 1.0]
    failures += [f"{blur} {k} {report[blur][k]}" for k in ("colour", "direction", "occlusion")
                 if report[blur][k] < 1.0]
    failures += [f"{k} passed {report[k]}" for k in ("wrong colour", "wrong shape", "wrong motion") if report[k] > 0]
    if failures:
        sys.exit("scorer check failed: " + "; ".join(failures))


if __name__ == "__main__":
    main()
