"""Ship the super-resolving decoder as a new pack beside the built-in one.

    /usr/bin/python3 training/export_sr_decoder.py [--checkpoint training/runs/sr-decoder/checkpoint.pt]
                                                   [--base public/models/tessera-tiny]
                                                   [--out public/models/tessera-tiny-2]

The new pack is the base pack with its vaeDecoder replaced: the text encoder, DiT and encoder files
are copied byte for byte, the decoder is exported at opset 17 and quantised to int8 as the base pack's
graphs are (training/quantize.py), and the manifest is the base's in format 2 with
`video.decoderUpscale` and a new name and version. The base pack is only read.
Also writes test/fixtures/parity-sr-decoder.json: latents and the frames torch makes of them with the
int8 graph's own (dequantised) weights, and with the float weights, for the Vitest parity test.
"""
import argparse
import base64
import copy
import json
import os
import shutil
import tempfile

import onnx
import torch

from export import OPSET, sha256
from models import LATENT_CHANNELS
from quantize import quantize_int8
from sr_decoder import UPSCALE, SuperResolvingDecoder, SuperResolvingDecoderExport, _onnx_weights, autoencoder_from_pack

NAME, VERSION = "tessera-tiny-2", "2.0.0"
DECODER = "vae_decoder.onnx"
PARITY_FIXTURE = "test/fixtures/parity-sr-decoder.json"


def load_decoder(checkpoint, fp32_pack):
    decoder = SuperResolvingDecoder(autoencoder_from_pack(fp32_pack))
    decoder.load_state_dict(torch.load(checkpoint, map_location="cpu")["decoder"])
    return decoder.eval().requires_grad_(False)


def export_decoder(decoder, path):
    latents = torch.randn(1, LATENT_CHANNELS, 3, 8, 8)
    torch.onnx.export(SuperResolvingDecoderExport(decoder), (latents,), path, input_names=["latents"],
                      output_names=["frames"], opset_version=OPSET, do_constant_folding=True,
                      dynamic_axes={"latents": {2: "t", 3: "h", 4: "w"}, "frames": {2: "f", 3: "H", 4: "W"}})
    onnx.checker.check_model(onnx.load(path))


def description(base_manifest):
    return (base_manifest["description"].rstrip(".") + f"; its decoder renders at {UPSCALE}x the linear size "
            "(224x128, 128x128, 128x224), trained on anti-aliased renders of the same scenes.")


def write_manifest(base_dir, out):
    with open(os.path.join(base_dir, "manifest.json")) as f:
        base = json.load(f)
    files = []
    for entry in base["files"]:
        path = os.path.join(out, entry["path"])
        files.append({**entry, "bytes": os.path.getsize(path), "sha256": sha256(path)})
    manifest = {"format": base["format"], "formatVersion": 2, "architecture": "tessera-tiny"}
    manifest.update({k: v for k, v in base.items() if k not in ("format", "formatVersion")})
    manifest.update(name=NAME, version=VERSION, description=description(base), files=files)
    manifest["video"] = {**base["video"], "decoderUpscale": UPSCALE}
    manifest["requirements"] = {**base["requirements"], "totalBytes": sum(f["bytes"] for f in files),
                                "largestBufferBytes": max(f["bytes"] for f in files)}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


def b64(tensor):
    return base64.b64encode(tensor.detach().contiguous().float().numpy().tobytes()).decode()


@torch.no_grad()
def write_parity_fixture(decoder, int8_graph, path):
    """Frames of fixed latents from the float decoder and from the int8 graph's dequantised weights."""
    torch.manual_seed(0)
    latents = torch.randn(1, LATENT_CHANNELS, 2, 8, 14)
    float_frames = decoder(latents)
    weights = {k[len("decoder."):]: v for k, v in _onnx_weights(int8_graph).items() if k.startswith("decoder.")}
    quantised = copy.deepcopy(decoder)
    missing = set(weights) - set(decoder.state_dict())
    if missing:
        raise ValueError(f"{int8_graph} holds weights the decoder does not have: {sorted(missing)}")
    quantised.load_state_dict({**decoder.state_dict(), **weights})
    int8_frames = quantised(latents)
    fixture = {"latents": b64(latents), "latentShape": list(latents.shape), "frameShape": list(float_frames.shape),
               "int8Frames": b64(int8_frames), "floatFrames": b64(float_frames)}
    with open(path, "w") as f:
        json.dump(fixture, f)
    return (int8_frames - float_frames).abs().max().item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", default="training/runs/sr-decoder/checkpoint.pt")
    p.add_argument("--fp32-pack", default="public/models/tessera-tiny-fp32", help="the decoder's frozen layers came from here")
    p.add_argument("--base", default="public/models/tessera-tiny", help="the pack whose other graphs are copied")
    p.add_argument("--out", default=f"public/models/{NAME}")
    p.add_argument("--parity-fixture", default=PARITY_FIXTURE)
    args = p.parse_args()
    torch.set_num_threads(1)
    decoder = load_decoder(args.checkpoint, args.fp32_pack)
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32_graph = os.path.join(tmp, DECODER)
        export_decoder(decoder, fp32_graph)
        quantize_int8(fp32_graph, os.path.join(args.out, DECODER))
        print(f"decoder: {os.path.getsize(fp32_graph)} bytes fp32, {os.path.getsize(os.path.join(args.out, DECODER))} int8")
    for graph in ("text_encoder.onnx", "dit.onnx", "vae_encoder.onnx"):
        shutil.copyfile(os.path.join(args.base, graph), os.path.join(args.out, graph))
    write_manifest(args.base, args.out)
    error = write_parity_fixture(decoder, os.path.join(args.out, DECODER), args.parity_fixture)
    print(f"wrote {args.out}; int8 vs float frames differ by at most {error:.4f}")


if __name__ == "__main__":
    main()
