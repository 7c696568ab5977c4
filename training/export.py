"""Export a training checkpoint as Tessera model packs: ONNX graphs, int8 weights, manifest.

    /usr/bin/python3 training/export.py [--checkpoint training/runs/default/checkpoint.pt]
                                        [--out public/models/tessera-tiny]

Writes the int8 pack to --out and the fp32 pack beside it (`<out>-fp32`), plus a parity fixture
(inputs and torch outputs) that the Vitest suite replays through onnxruntime-node.
"""
import argparse
import base64
import hashlib
import json
import os
import random

import onnx
import torch

import world
from models import (DecoderExport, EncoderExport, LATENT_CHANNELS, PATCH, TEXT_DIM, TEXT_LENGTH, TEMPORAL,
                    patchify)
from quantize import quantize_int8
from train import DIT_SIZE, build_models

OPSET = 17
# 1.3.0: 1.2.0's autoencoder with a 10.3M-parameter DiT and a new text encoder trained 8 min on an
# H200 (2026-11-26); 1.2.0: 1.1.0 with its decoder fine-tuned on noisy latents (2026-11-25);
# 1.1.0: the DiT trained on to 549k clips; 1.0.0: 175k clips
VERSION = "1.3.0"
PARITY_FIXTURE = "test/fixtures/parity.json"
SCHEDULER = {"type": "flow-match-euler", "steps": 20, "shift": 2.5, "guidance": 4.0}


def description(dit):
    millions = sum(p.numel() for p in dit.parameters()) / 1e6
    return ("Tessera's built-in model: a causal video autoencoder (space /4, time /4), a two-layer text "
            f"encoder and a {millions:.1f}M-parameter spacetime-patch diffusion transformer, trained from "
            "scratch on Tessera's procedural world.")


def load_models(checkpoint_path):
    state = torch.load(checkpoint_path, map_location="cpu")
    vocab = world.vocabulary()
    ae, text_encoder, dit = build_models(len(vocab), "cpu", state.get("dit_size", DIT_SIZE))
    ae.load_state_dict(state["ae"])
    text_encoder.load_state_dict(state["ema_text"])
    dit.load_state_dict(state["ema_dit"])
    for model in (ae, text_encoder, dit):
        model.eval().requires_grad_(False)
    return ae, text_encoder, dit, vocab


def export_graphs(ae, text_encoder, dit, folder):
    os.makedirs(folder, exist_ok=True)
    ids = torch.zeros(2, TEXT_LENGTH, dtype=torch.long)
    latents = torch.randn(1, LATENT_CHANNELS, 3, 8, 8)
    tokens, positions = patchify(latents)
    tokens = tokens.expand(2, -1, -1).contiguous()
    frames = torch.rand(1, 3, 9, 32, 32)
    jobs = {
        "text_encoder.onnx": (text_encoder, (ids,), ["input_ids"], ["text_embeds"],
                              {"input_ids": {0: "batch"}, "text_embeds": {0: "batch"}}),
        "dit.onnx": (dit, (tokens, positions, torch.rand(2), torch.randn(2, TEXT_LENGTH, TEXT_DIM)),
                     ["tokens", "positions", "timestep", "text_embeds"], ["velocity"],
                     {"tokens": {0: "batch", 1: "n"}, "positions": {0: "n"}, "timestep": {0: "batch"},
                      "text_embeds": {0: "batch"}, "velocity": {0: "batch", 1: "n"}}),
        "vae_decoder.onnx": (DecoderExport(ae), (latents,), ["latents"], ["frames"],
                             {"latents": {2: "t", 3: "h", 4: "w"}, "frames": {2: "f", 3: "H", 4: "W"}}),
        "vae_encoder.onnx": (EncoderExport(ae), (frames,), ["frames"], ["latents"],
                             {"frames": {2: "f", 3: "H", 4: "W"}, "latents": {2: "t", 3: "h", 4: "w"}}),
    }
    for name, (model, inputs, in_names, out_names, axes) in jobs.items():
        path = os.path.join(folder, name)
        torch.onnx.export(model, inputs, path, input_names=in_names, output_names=out_names,
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
        onnx.checker.check_model(onnx.load(path))


@torch.no_grad()
def preview_projection(ae):
    """Least-squares latent → RGB map: each latent pixel predicts the mean colour of its 4x4 block."""
    rng = random.Random(7)
    xs, ys = [], []
    for aspect in world.SIZES:
        specs = [world.sample_training_spec(rng) for _ in range(32)]
        clips = world.render_batch(specs, aspect, 9, rng)
        z = ae.encode(clips)  # [B, C, 3, h, w]
        target = clips[:, :, [0, 4, 8]]  # the last frame each latent frame covers
        blocks = torch.nn.functional.avg_pool3d(target, (1, 4, 4))
        xs.append(z.permute(0, 2, 3, 4, 1).reshape(-1, LATENT_CHANNELS))
        ys.append(blocks.permute(0, 2, 3, 4, 1).reshape(-1, 3))
    x, y = torch.cat(xs), torch.cat(ys)
    x1 = torch.cat([x, torch.ones(len(x), 1)], dim=1)
    solution = torch.linalg.lstsq(x1, y).solution
    return {"weights": [[round(v, 6) for v in row] for row in solution[:-1].tolist()],
            "bias": [round(v, 6) for v in solution[-1].tolist()]}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_manifest(folder, name, dtype, vocab, preview, about):
    roles = {"textEncoder": "text_encoder.onnx", "dit": "dit.onnx", "vaeDecoder": "vae_decoder.onnx",
             "vaeEncoder": "vae_encoder.onnx"}
    files = [{"role": role, "path": path, "bytes": os.path.getsize(os.path.join(folder, path)),
              "sha256": sha256(os.path.join(folder, path))} for role, path in roles.items()]
    manifest = {
        "format": "tessera-model-pack", "formatVersion": 1, "name": name, "version": VERSION,
        "description": about, "dtype": dtype, "files": files,
        "tokenizer": {"type": "word", "vocab": vocab, "maxLength": TEXT_LENGTH, "padId": 0, "unkId": 1,
                      "lowercase": True},
        "text": {"embedDim": TEXT_DIM},
        "latent": {"channels": LATENT_CHANNELS, "temporalCompression": TEMPORAL,
                   "spatialCompression": world.SPATIAL, "causalFirstFrame": True},
        "patch": {"t": PATCH[0], "h": PATCH[1], "w": PATCH[2]},
        "video": {"fps": world.FPS,
                  "sizes": {a: {"width": w, "height": h} for a, (w, h) in world.SIZES.items()},
                  "frameCounts": world.FRAME_COUNTS},
        "scheduler": SCHEDULER,
        "preview": preview,
        "requirements": {"totalBytes": sum(f["bytes"] for f in files),
                         "largestBufferBytes": max(f["bytes"] for f in files), "shaderF16": False},
    }
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


def b64(tensor):
    return base64.b64encode(tensor.detach().contiguous().float().numpy().tobytes()).decode()


@torch.no_grad()
def write_parity_fixture(ae, text_encoder, dit, vocab, path):
    """Inputs and torch outputs for every graph, replayed through onnxruntime-node by Vitest."""
    torch.manual_seed(0)
    index = {w: i for i, w in enumerate(vocab)}
    ids = torch.tensor([world.encode_caption("a red circle moving left on a blue background", index,
                                             TEXT_LENGTH), [0] * TEXT_LENGTH])
    text = text_encoder(ids)
    latents = torch.randn(1, LATENT_CHANNELS, 2, 8, 14)
    tokens, positions = patchify(latents)
    tokens2 = torch.cat([tokens, tokens * 0.5])
    timestep = torch.tensor([0.8, 0.3])
    velocity = dit(tokens2, positions, timestep, text)
    frames = ae.decode(latents)
    reencoded = ae.encode(frames.clamp(0, 1))
    fixture = {
        "inputIds": ids.flatten().tolist(), "textEmbeds": b64(text), "textShape": list(text.shape),
        "latents": b64(latents), "latentShape": list(latents.shape),
        "tokens": b64(tokens2), "tokenShape": list(tokens2.shape), "positions": b64(positions),
        "timestep": timestep.tolist(), "velocity": b64(velocity),
        "frames": b64(frames), "frameShape": list(frames.shape),
        "encodedLatents": b64(reencoded), "encodedShape": list(reencoded.shape),
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(fixture, f)


def export_pack(checkpoint_path, out, parity_fixture=PARITY_FIXTURE):
    ae, text_encoder, dit, vocab = load_models(checkpoint_path)
    fp32_dir = out.rstrip("/") + "-fp32"
    name = os.path.basename(out.rstrip("/"))
    export_graphs(ae, text_encoder, dit, fp32_dir)
    preview, about = preview_projection(ae), description(dit)
    write_manifest(fp32_dir, name + "-fp32", "fp32", vocab, preview, about)
    os.makedirs(out, exist_ok=True)
    for graph in ("text_encoder.onnx", "dit.onnx", "vae_decoder.onnx", "vae_encoder.onnx"):
        quantize_int8(os.path.join(fp32_dir, graph), os.path.join(out, graph))
    write_manifest(out, name, "int8", vocab, preview, about)
    write_parity_fixture(ae, text_encoder, dit, vocab, parity_fixture)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", default="training/runs/default/checkpoint.pt")
    p.add_argument("--out", default="public/models/tessera-tiny")
    p.add_argument("--parity-fixture", default=PARITY_FIXTURE, help="where the parity test's data goes")
    args = p.parse_args()
    torch.set_num_threads(1)
    export_pack(args.checkpoint, args.out, args.parity_fixture)
    print(f"wrote {args.out} and {args.out.rstrip('/')}-fp32")


if __name__ == "__main__":
    main()
