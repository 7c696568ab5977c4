"""Convert a Wan2.1 checkpoint in the Diffusers layout into a Tessera `wan2.1` model pack.

    /usr/bin/python3 converter/wan/convert.py --weights DIR --out DIR [--dit-bits 8|4|32] [--name NAME]
    (or: npm run convert -- --weights DIR --out DIR ...)

Reads model_index.json and transformer/, text_encoder/, vae/, tokenizer/, scheduler/ (each config.json
and safetensors, single or sharded). Writes: tokenizer.json, token_embeddings.bin (int8 rows), the umT5
layers (MatMulNBits, 4 bits), the DiT (MatMulNBits, 8 bits by default), the two streaming VAE decoder
graphs (fp32), external-data shards, and manifest.json. Progress goes to stdout, one line per stage.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

import onnx

import checkpoint_keys
import onnx_external
import pack_manifest
from layout import LayoutError, accounting_report, read_checkpoint
from safetensors_io import SafetensorsError
from token_embeddings import write_row_file

DEFAULT_SIZES = "320x192,192x320,256x256"
DEFAULT_FRAMES = "17,33"
ROW_FILE_CHUNK_BYTES = 1024 * 1024


def progress(message: str) -> None:
    print(f"[convert {time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_sizes(text: str) -> list:
    sizes = []
    for item in text.split(","):
        try:
            width, height = (int(v) for v in item.lower().split("x"))
        except ValueError:
            raise SystemExit(f"--sizes {text!r}: expected WIDTHxHEIGHT[,WIDTHxHEIGHT...], e.g. {DEFAULT_SIZES}")
        sizes.append((width, height))
    return sizes


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Wan2.1 (Diffusers layout) -> Tessera model pack")
    parser.add_argument("--weights", required=True, help="checkpoint folder (model_index.json, transformer/, ...)")
    parser.add_argument("--out", required=True, help="pack folder to write (created; must be empty or absent)")
    parser.add_argument("--name", default="wan21-t2v-1-3b", help="pack name, [a-z0-9-]{1,64}")
    parser.add_argument("--version", default="1.0.0")
    parser.add_argument("--description", default=None)
    parser.add_argument("--license", default="Apache-2.0", help="licence of the checkpoint (Apache-2.0 for Wan2.1)")
    parser.add_argument("--dit-bits", type=int, choices=(8, 4, 32), default=8,
                        help="DiT linear weights: 8 (default) or 4 bits (MatMulNBits), or 32 (float, for parity)")
    parser.add_argument("--text-bits", type=int, choices=(8, 4), default=4, help="umT5 linear weights (default 4)")
    parser.add_argument("--block-size", type=int, default=None,
                        help="MatMulNBits block size (default: 128, or less when a layer's input is narrower)")
    parser.add_argument("--distilled", action="store_true",
                        help="few-step distilled checkpoint: flow-match-lcm, 4 steps, guidance 1")
    parser.add_argument("--steps", type=int, default=None, help="sampling steps (default 20, distilled 4)")
    parser.add_argument("--guidance", type=float, default=None, help="CFG scale (default 5.0, distilled 1.0)")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"video sizes WxH (default {DEFAULT_SIZES})")
    parser.add_argument("--frames", default=DEFAULT_FRAMES, help=f"frame counts (default {DEFAULT_FRAMES})")
    parser.add_argument("--fps", type=int, default=16)
    parser.add_argument("--context-length", type=int, default=512, help="text tokens the DiT attends to (umT5: 512)")
    parser.add_argument("--negative-prompt", default="", help="default negative prompt of the pack")
    parser.add_argument("--shard-bytes", type=int, default=onnx_external.MAX_SHARD_BYTES,
                        help="largest external-data shard (default and maximum 1 GiB)")
    parser.add_argument("--chunk-bytes", type=int, default=pack_manifest.DEFAULT_CHUNK_BYTES,
                        help="per-chunk hash size in the manifest (multiple of 64, 64 KiB..64 MiB)")
    args = parser.parse_args(argv)
    if not 1 <= args.shard_bytes <= onnx_external.MAX_SHARD_BYTES:
        parser.error(f"--shard-bytes {args.shard_bytes}: must be 1..{onnx_external.MAX_SHARD_BYTES}")
    if args.chunk_bytes % 64 or not 64 * 1024 <= args.chunk_bytes <= 64 * 1024 * 1024:
        parser.error(f"--chunk-bytes {args.chunk_bytes}: must be a multiple of 64 from 65536 to 67108864")
    return args


def block_size_for(linear_inputs: list, requested: int | None) -> int:
    """128, halved while some Linear's input width is smaller (never below 16)."""
    if requested is not None:
        return requested
    size = 128
    while size > 16 and size > min(linear_inputs):
        size //= 2
    return size


def copy_tokenizer(folder: str, out: str) -> None:
    source = os.path.join(folder, "tokenizer.json")
    if os.path.isfile(source):
        shutil.copyfile(source, os.path.join(out, "tokenizer.json"))
        return
    spiece = os.path.join(folder, "spiece.model")
    if not os.path.isfile(spiece):
        raise LayoutError(f"{folder}: neither tokenizer.json nor spiece.model is there")
    from unigram_tokenizer import spm_to_tokenizer_json

    with open(spiece, "rb") as handle:
        tokenizer = spm_to_tokenizer_json(handle.read())
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as handle:
        json.dump(tokenizer, handle, ensure_ascii=False)


def convert(args: argparse.Namespace) -> dict:
    started = time.time()
    if os.path.exists(args.out) and os.listdir(args.out):
        raise LayoutError(f"--out {args.out}: folder exists and is not empty")

    # 1. Read the checkpoint and account for every key.
    ckpt = read_checkpoint(args.weights)
    for line in accounting_report(ckpt):
        progress(line)
    # torch is imported only now: a checkpoint refused above is reported in well under a second.
    import graph_export
    from preview_fit import fit_preview

    dit_cfg, text_cfg, vae_cfg = ckpt.transformer.config, ckpt.text_encoder.config, ckpt.vae.config
    temporal = 2 ** sum(bool(v) for v in vae_cfg["temperal_downsample"])
    spatial = 2 ** (len(vae_cfg["dim_mult"]) - 1)
    patch = [int(v) for v in dit_cfg["patch_size"]]
    if int(dit_cfg["in_channels"]) != int(vae_cfg["z_dim"]):
        raise LayoutError(f"transformer in_channels {dit_cfg['in_channels']} != vae z_dim {vae_cfg['z_dim']}")
    if int(dit_cfg["text_dim"]) != int(text_cfg["d_model"]):
        raise LayoutError(f"transformer text_dim {dit_cfg['text_dim']} != text_encoder d_model {text_cfg['d_model']}")
    video = pack_manifest.video_section(parse_sizes(args.sizes), [int(v) for v in args.frames.split(",")],
                                        args.fps, spatial * max(patch[1], patch[2]), temporal)
    scheduler = pack_manifest.scheduler_section(ckpt.scheduler_config, args.steps, args.distilled, args.guidance)

    # 2. Tokenizer and the embedding row file.
    os.makedirs(args.out, exist_ok=True)
    copy_tokenizer(ckpt.tokenizer_folder, args.out)
    embedding = ckpt.text_encoder.checkpoint.tensor(checkpoint_keys.EMBEDDING_KEY)
    row_error = write_row_file(os.path.join(args.out, "token_embeddings.bin"), embedding)
    del embedding
    progress(f"token embeddings: {text_cfg['vocab_size']} rows of {text_cfg['d_model']} int8 "
             f"(largest row error {row_error:.2e})")

    # 3. Text encoder, one layer at a time.
    text_block = block_size_for([text_cfg["d_model"], text_cfg["d_ff"], text_cfg["num_heads"] * text_cfg["d_kv"]],
                                args.block_size)
    text_graph, text_stats = graph_export.export_text_encoder(ckpt.text_encoder, args.text_bits, text_block,
                                                              symmetric=args.text_bits == 8, progress=progress)
    text_saved = onnx_external.save_sharded(text_graph, args.out, "text_encoder.onnx", args.shard_bytes)
    del text_graph

    # 4. DiT.
    dit_bits = None if args.dit_bits == 32 else args.dit_bits
    dit_block = block_size_for([dit_cfg["freq_dim"], dit_cfg["text_dim"], dit_cfg["ffn_dim"],
                                dit_cfg["num_attention_heads"] * dit_cfg["attention_head_dim"]], args.block_size)
    dit_graph, dit_stats = graph_export.export_dit(ckpt.transformer, dit_bits, dit_block,
                                                   symmetric=dit_bits == 8, progress=progress)
    dit_saved = onnx_external.save_sharded(dit_graph, args.out, "dit.onnx", args.shard_bytes)
    del dit_graph

    # 5. VAE decoder (two streaming graphs) and the preview fitted to it.
    decoder = graph_export.load_vae_decoder(ckpt.vae)
    vae = graph_export.export_vae(decoder, args.out, 4, 6)
    progress(f"vae decoder: first and step graphs exported ({vae['cache_count']} cache tensors)")
    preview = fit_preview(decoder, int(vae_cfg["z_dim"]), spatial)
    vae_largest = max(onnx_external.largest_initializer_bytes(onnx.load(vae[k])) for k in ("first", "step"))
    del decoder

    # 6. Manifest.
    # The browser reads the row file a few rows at a time, one stored chunk per row (the chunk is what
    # its hash covers), so this file gets small chunks: 1 MiB per row read, not 16.
    row_file_chunk_bytes = min(args.chunk_bytes, ROW_FILE_CHUNK_BYTES)
    files = [pack_manifest.file_record(args.out, "tokenizer.json", "tokenizer", chunk_bytes=args.chunk_bytes),
             pack_manifest.file_record(args.out, "token_embeddings.bin", "tokenEmbeddings", chunk_bytes=row_file_chunk_bytes)]
    for role, saved in (("textEncoder", text_saved), ("dit", dit_saved)):
        files.append(pack_manifest.file_record(args.out, saved.graph_file, role, chunk_bytes=args.chunk_bytes))
        files += [pack_manifest.file_record(args.out, shard, "externalData", of=role, chunk_bytes=args.chunk_bytes)
                  for shard in saved.shard_files]
    files.append(pack_manifest.file_record(args.out, os.path.basename(vae["first"]), "vaeDecoderFirst",
                                           chunk_bytes=args.chunk_bytes))
    files.append(pack_manifest.file_record(args.out, os.path.basename(vae["step"]), "vaeDecoderStep",
                                           chunk_bytes=args.chunk_bytes))
    bits_text = f"DiT {'float32' if dit_bits is None else f'{dit_bits}-bit'}, umT5 {args.text_bits}-bit"
    manifest = {
        "format": "tessera-model-pack", "formatVersion": 2, "architecture": "wan2.1",
        "name": args.name, "version": args.version,
        "description": args.description or f"Wan2.1 text-to-video converted from {os.path.basename(os.path.abspath(args.weights))} ({bits_text} MatMulNBits weights, fp32 activations, fp32 VAE decoder)",
        "dtype": "fp32" if dit_bits is None else "int8",
        "license": args.license,
        "files": files,
        "tokenizer": {"type": "unigram", "maxLength": args.context_length,
                      "padId": int(text_cfg.get("pad_token_id", 0)), "eosId": int(text_cfg.get("eos_token_id", 1))},
        "text": {"embedDim": int(text_cfg["d_model"]), "contextLength": args.context_length,
                 "vocabSize": int(text_cfg["vocab_size"]), "negativePrompt": args.negative_prompt},
        "latent": {"channels": int(vae_cfg["z_dim"]), "temporalCompression": temporal,
                   "spatialCompression": spatial, "causalFirstFrame": True},
        "patch": {"t": patch[0], "h": patch[1], "w": patch[2]},
        "dit": {"heads": int(dit_cfg["num_attention_heads"]), "headDim": int(dit_cfg["attention_head_dim"]),
                "ropeTheta": 10000},
        "vae": {"cacheTensors": int(vae["cache_count"])},
        "video": video,
        "scheduler": scheduler,
        "preview": preview,
        "requirements": {"totalBytes": sum(f["bytes"] for f in files),
                         "largestBufferBytes": max(text_saved.largest_tensor_bytes, dit_saved.largest_tensor_bytes,
                                                   vae_largest),
                         "shaderF16": False},
        "runtime": {"memoryPlan": "sequential"},
    }
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    summary = {
        "seconds": round(time.time() - started, 1),
        "totalBytes": manifest["requirements"]["totalBytes"],
        "textEncoder": {"matmuls": text_stats.replaced, "bits": args.text_bits, "blockSize": text_block,
                        "maxRelativeWeightError": text_stats.max_relative_error},
        "dit": {"matmuls": dit_stats.replaced, "bits": dit_bits or 32, "blockSize": dit_block,
                "maxRelativeWeightError": dit_stats.max_relative_error},
        "tokenEmbeddingsMaxRowError": row_error,
    }
    progress(f"pack written to {args.out}: {len(files)} files, {summary['totalBytes']:,} bytes in {summary['seconds']} s")
    return summary


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        summary = convert(args)
    except (LayoutError, SafetensorsError, onnx_external.ShardingError, ValueError) as error:
        print(f"convert: error: {error}", file=sys.stderr, flush=True)
        return 1
    print(json.dumps({"summary": summary}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
