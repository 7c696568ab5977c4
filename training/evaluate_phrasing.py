"""Generation-level check of prompt expansion: clips made from free phrasings and from their canonical
captions, scored alike (scoring.py), through the shipped pipeline (`npm run generate`).

    nice /usr/bin/python3 training/evaluate_phrasing.py --pack public/models/tessera-tiny --set held-out-2 --count 24

For each of `count` prompts spread evenly over the set (test/fixtures/phrasing/<set>.json, every
template represented), three clips with the same seed: the free phrasing expanded (`--expand`, what
the app does by default), the free phrasing as written (no expansion, for comparison), and the
canonical caption. Each is scored against the scene the phrasing was written from. Prints JSON with
the rates per condition and the expanded-minus-canonical difference in points.
"""
import argparse
import json
import os
import subprocess
import tempfile

import torch

import evaluate
import scoring

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONDITIONS = {"expanded": True, "as written": False, "canonical": False}


def sample(entries, count):
    """`count` entries spread evenly over the set (the sets are ordered by template)."""
    step = len(entries) / count
    return [entries[int(i * step)] for i in range(count)]


def generate(prompt, expand, seed, pack, out, repo):
    command = ["npx", "tsx", "cli/generate.ts", "--prompt", prompt, "--seed", str(seed),
               "--aspect", evaluate.EVAL_ASPECT, "--frames", str(evaluate.EVAL_FRAMES), "--steps", "20",
               "--guidance", "4", "--scale", "1", "--model", pack, "--out", out]
    subprocess.run(command + (["--expand"] if expand else []), check=True, cwd=repo,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pack", default="public/models/tessera-tiny")
    p.add_argument("--set", default="held-out-2", choices=["dev", "held-out", "held-out-2"])
    p.add_argument("--count", type=int, default=24)
    p.add_argument("--repo", default=ROOT, help="checkout whose cli/generate.ts makes the clips")
    args = p.parse_args()
    torch.set_num_threads(1)
    with open(os.path.join(ROOT, "test", "fixtures", "phrasing", f"{args.set}.json")) as f:
        entries = sample(json.load(f)["entries"], args.count)
    pack = os.path.abspath(os.path.join(ROOT, args.pack))
    scores = {name: [] for name in CONDITIONS}
    identical = 0
    with tempfile.TemporaryDirectory() as folder:
        for seed, entry in enumerate(entries):
            files = {}
            for name, expand in CONDITIONS.items():
                prompt = entry["caption"] if name == "canonical" else entry["prompt"]
                files[name] = os.path.join(folder, f"{seed}-{name.replace(' ', '-')}.y4m")
                generate(prompt, expand, seed, pack, files[name], args.repo)
                clip = evaluate.downscale_to(evaluate.read_y4m(files[name]), evaluate.EVAL_ASPECT)
                scores[name].append(scoring.score(clip, entry["scene"]))
            with open(files["expanded"], "rb") as a, open(files["canonical"], "rb") as b:
                identical += a.read() == b.read()
    rates = {name: scoring.summarise(results) for name, results in scores.items()}
    difference = {k: round(100 * (v["rate"] - rates["canonical"][k]["rate"]), 1)
                  for k, v in rates["expanded"].items()}
    print(json.dumps({"pack": args.pack, "set": args.set, "prompts": len(entries),
                      "settings": f"{evaluate.EVAL_ASPECT} {evaluate.EVAL_FRAMES}f, 20 steps, guidance 4, seed = index",
                      "expanded clips byte-identical to canonical": identical,
                      "rates": rates, "expanded minus canonical (points)": difference}, indent=1))


if __name__ == "__main__":
    main()
