"""Golden values of the tiny synthetic pack for the TypeScript wan2.1 tests, from the torch model code.

    /usr/bin/python3 converter/wan/golden.py --weights CHECKPOINT --pack PACK --out test/fixtures/wan21/golden.json

Each graph's reference is computed by Tessera's torch modules (umt5.py, dit.py, vae_decoder.py) with the
pack's own weights: Linear weights are quantised and dequantised exactly as in the pack's MatMulNBits
(bits, block size and zero points read from the pack's graphs), and the text encoder's input rows come
from the pack's token_embeddings.bin. So a runtime that executes the pack correctly matches these values
to float32 rounding; `...FloatWeights` entries give the unquantised model's output for scale.
Inputs the TS side must rebuild are given by formula: `wave(n, a, b)[i] = sin(a·i + b)` over the flat
row-major index i.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch

import checkpoint_keys
import graph_export
from layout import read_checkpoint
from quantize_nbits import dequantize, quantize_weight
from rope import rope_tables
from token_embeddings import read_rows
from tokenizer_golden import EOS_ID

PROMPTS = ["a dog running on a beach at sunset", "a robot painting the frozen lake, watercolour style", "Café 123!"]


def wave(shape, a: float, b: float) -> torch.Tensor:
    count = int(np.prod(shape))
    return torch.from_numpy(np.sin(a * np.arange(count, dtype=np.float64) + b).astype(np.float32).reshape(shape))


def nbits_scheme(graph_path: str) -> dict:
    """bits, block size and zero-point use of the pack graph's MatMulNBits nodes (all alike)."""
    model = onnx.load(graph_path, load_external_data=False)
    schemes = set()
    for node in model.graph.node:
        if node.op_type == "MatMulNBits":
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            schemes.add((attrs["bits"], attrs["block_size"], len(node.input) < 4))
    if len(schemes) > 1:
        raise ValueError(f"{graph_path}: MatMulNBits nodes differ in scheme: {sorted(schemes)}")
    if not schemes:
        return {}
    bits, block, symmetric = schemes.pop()
    return {"bits": bits, "blockSize": block, "symmetric": symmetric}


def as_in_pack(state: dict, scheme: dict) -> dict:
    """Linear weights replaced by their dequantised MatMulNBits form (torch's [N, K] is the graph's B^T)."""
    if not scheme:
        return state
    out = dict(state)
    for key in checkpoint_keys.linear_weight_keys({k: tuple(v.shape) for k, v in state.items()}):
        weight = state[key].numpy().T
        q = quantize_weight(weight, scheme["bits"], scheme["blockSize"], scheme["symmetric"])
        out[key] = torch.from_numpy(np.ascontiguousarray(dequantize(q, weight.shape[0], scheme["bits"],
                                                                     scheme["blockSize"]).T))
    return out


def relative_rms(value: torch.Tensor, reference: torch.Tensor) -> float:
    return float((value - reference).pow(2).mean().sqrt() / reference.pow(2).mean().sqrt())


def rounded(t: torch.Tensor) -> list:
    return [float(f"{v:.7g}") for v in t.detach().reshape(-1).tolist()]


def text_encoder_golden(ckpt, pack: str, manifest: dict, scheme: dict) -> list:
    from umt5 import UMT5Encoder
    import sentencepiece as spm

    text = manifest["text"]
    model = UMT5Encoder(ckpt.text_encoder.config).eval()
    state = {k: v for k, v in graph_export.state_dict_of(ckpt.text_encoder).items()
             if k != checkpoint_keys.EMBEDDING_KEY}
    model.load_state_dict(as_in_pack(state, scheme), strict=True)
    floats = UMT5Encoder(ckpt.text_encoder.config).eval()
    floats.load_state_dict(state, strict=True)
    processor = spm.SentencePieceProcessor(model_file=os.path.join(ckpt.tokenizer_folder, "spiece.model"))
    cases = []
    for prompt in PROMPTS:
        ids = processor.encode(prompt) + [EOS_ID]
        rows = torch.from_numpy(read_rows(os.path.join(pack, "token_embeddings.bin"), text["vocabSize"],
                                          text["embedDim"], ids))[None]
        with torch.no_grad():
            hidden, reference = model(rows), floats(rows)
        cases.append({"prompt": prompt, "ids": ids, "inputsEmbeds": rounded(rows), "shape": list(hidden.shape),
                      "hiddenStates": rounded(hidden),
                      "maxAbsDiffToFloatWeights": float((hidden - reference).abs().max()),
                      "relRmsDiffToFloatWeights": relative_rms(hidden, reference)})
    return cases


def dit_golden(ckpt, manifest: dict, scheme: dict) -> dict:
    from dit import WanDiT

    cfg = ckpt.transformer.config
    frames, h, w = 2, 4, 6  # latent grid; tokens 2 x 2 x 3
    pt, ph, pw = cfg["patch_size"]
    latents_shape = [1, cfg["in_channels"], frames, h, w]
    context_shape = [1, manifest["text"]["contextLength"], cfg["text_dim"]]
    prompt_rows = 5
    latents = wave(latents_shape, 0.37, 0.1)
    context = torch.zeros(context_shape)
    context[:, :prompt_rows] = wave([1, prompt_rows, cfg["text_dim"]], 0.11, 0.5)
    cos, sin = rope_tables(cfg["attention_head_dim"], frames // pt, h // ph, w // pw)
    inputs = (latents, torch.tensor([500.0]), context, torch.from_numpy(cos), torch.from_numpy(sin))
    state = graph_export.state_dict_of(ckpt.transformer)
    model = WanDiT(cfg).eval()
    model.load_state_dict(as_in_pack(state, scheme), strict=True)
    floats = WanDiT(cfg).eval()
    floats.load_state_dict(state, strict=True)
    with torch.no_grad():
        velocity, reference = model(*inputs), floats(*inputs)
    return {
        "inputs": {"latents": {"shape": latents_shape, "formula": "wave(0.37, 0.1)"},
                   "timestep": [500.0],
                   "context": {"shape": context_shape,
                               "formula": f"rows 0..{prompt_rows - 1}: wave(0.11, 0.5) over [1, {prompt_rows}, "
                                          f"{cfg['text_dim']}]; other rows 0"},
                   "rope": {"frames": frames // pt, "heightTokens": h // ph, "widthTokens": w // pw,
                            "cos": rounded(torch.from_numpy(cos)), "sin": rounded(torch.from_numpy(sin))}},
        "shape": list(velocity.shape),
        "velocity": rounded(velocity),
        "velocityFloatWeights": rounded(reference),
        "maxAbsDiffToFloatWeights": float((velocity - reference).abs().max()),
        "relRmsDiffToFloatWeights": relative_rms(velocity, reference),
    }


def vae_golden(ckpt) -> dict:
    decoder = graph_export.load_vae_decoder(ckpt.vae)
    shape = [1, ckpt.vae.config["z_dim"], 3, 4, 6]
    latents = wave(shape, 0.23, 0.7)
    with torch.no_grad():
        first, caches = decoder.first(latents[:, :, :1])
        frames = [first]
        for t in range(1, shape[2]):
            out, caches = decoder.step(latents[:, :, t:t + 1], caches)
            frames.append(out)
    clip = torch.cat(frames, dim=2)  # [1, 3, 1 + 4·(T-1), H, W]
    flat = clip.reshape(-1)
    stride = 97
    return {
        "latents": {"shape": shape, "formula": "wave(0.23, 0.7)"},
        "shape": list(clip.shape),
        "framesPerCall": [int(f.shape[2]) for f in frames],
        "frameMeans": [float(clip[0, :, i].mean()) for i in range(clip.shape[2])],
        "sampleStride": stride,
        "samples": rounded(flat[::stride]),
        "sumAbs": float(clip.abs().sum()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", required=True, help="the synthetic checkpoint the pack was converted from")
    parser.add_argument("--pack", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.manual_seed(0)
    ckpt = read_checkpoint(args.weights)
    with open(os.path.join(args.pack, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    text_scheme = nbits_scheme(os.path.join(args.pack, "text_encoder.onnx"))
    dit_scheme = nbits_scheme(os.path.join(args.pack, "dit.onnx"))
    golden = {
        "source": "converter/wan/golden.py (torch model code with the pack's dequantised weights)",
        "wave": "wave(a, b)[i] = sin(a*i + b), i the flat row-major index, computed in float64 then rounded to float32",
        "quantization": {"textEncoder": text_scheme, "dit": dit_scheme},
        "textEncoder": text_encoder_golden(ckpt, args.pack, manifest, text_scheme),
        "dit": dit_golden(ckpt, manifest, dit_scheme),
        "vaeDecoder": vae_golden(ckpt),
    }
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(golden, handle, ensure_ascii=False, separators=(",", ":"))
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
