"""Write a random Wan2.1 checkpoint in the Diffusers layout of Wan-AI/Wan2.1-T2V-1.3B-Diffusers.

    /usr/bin/python3 converter/wan/synthetic.py --out DIR [--seed 0] [--size tiny|full] [--layers N]

The folder has what the official one has: model_index.json; transformer/, vae/ (encoder keys
included), text_encoder/ (sharded, bfloat16) with their config.json and safetensors under the real key
names; a Unigram tokenizer trained here with python3-sentencepiece (tokenizer/spiece.model and
tokenizer.json); scheduler/scheduler_config.json. `--size tiny` (the tests') uses the contract's tiny
dims and writes the same bytes on every run; `--size full` uses the official dims (about 17 GB, for cost
measurements), optionally with fewer layers.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import zlib
from typing import Callable, Dict, List, Tuple

import numpy as np

import checkpoint_keys, safetensors_io
from unigram_tokenizer import spm_to_tokenizer_json

TOKENIZER_VOCAB = 256

TRANSFORMER_CONFIG = {
    "_class_name": "WanTransformer3DModel", "_diffusers_version": "0.33.0.dev0",
    "added_kv_proj_dim": None, "attention_head_dim": 16, "cross_attn_norm": True, "eps": 1e-06,
    "ffn_dim": 64, "freq_dim": 32, "image_dim": None, "in_channels": 16, "num_attention_heads": 2,
    "num_layers": 2, "out_channels": 16, "patch_size": [1, 2, 2], "qk_norm": "rms_norm_across_heads",
    "rope_max_seq_len": 1024, "text_dim": 32,
}
TEXT_ENCODER_CONFIG = {
    "_name_or_path": "synthetic-umt5", "architectures": ["UMT5EncoderModel"], "classifier_dropout": 0.0,
    "d_ff": 64, "d_kv": 8, "d_model": 32, "decoder_start_token_id": 0, "dense_act_fn": "gelu_new",
    "dropout_rate": 0.1, "eos_token_id": 1, "feed_forward_proj": "gated-gelu", "initializer_factor": 1.0,
    "is_encoder_decoder": True, "is_gated_act": True, "layer_norm_epsilon": 1e-06, "model_type": "umt5",
    "num_decoder_layers": 2, "num_heads": 4, "num_layers": 2, "pad_token_id": 0,
    "relative_attention_max_distance": 128, "relative_attention_num_buckets": 32, "scalable_attention": True,
    "tie_word_embeddings": False, "tokenizer_class": "T5Tokenizer", "torch_dtype": "bfloat16",
    "transformers_version": "4.49.0", "use_cache": True, "vocab_size": TOKENIZER_VOCAB,
}
VAE_CONFIG = {
    "_class_name": "AutoencoderKLWan", "_diffusers_version": "0.33.0.dev0", "attn_scales": [], "base_dim": 8,
    "dim_mult": [1, 2, 4, 4], "dropout": 0.0,
    "latents_mean": [-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508,
                     0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921],
    "latents_std": [2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743,
                    3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.916],
    "num_res_blocks": 2, "temperal_downsample": [False, True, True], "z_dim": 16,
}
SCHEDULER_CONFIG = {
    "_class_name": "UniPCMultistepScheduler", "_diffusers_version": "0.33.0.dev0", "beta_end": 0.02,
    "beta_schedule": "linear", "beta_start": 0.0001, "disable_corrector": [], "dynamic_thresholding_ratio": 0.995,
    "final_sigmas_type": "zero", "flow_shift": 3.0, "lower_order_final": True, "num_train_timesteps": 1000,
    "predict_x0": True, "prediction_type": "flow_prediction", "rescale_betas_zero_snr": False,
    "sample_max_value": 1.0, "solver_order": 2, "solver_p": None, "solver_type": "bh2", "steps_offset": 0,
    "thresholding": False, "timestep_spacing": "linspace", "trained_betas": None, "use_beta_sigmas": False,
    "use_exponential_sigmas": False, "use_flow_sigmas": True, "use_karras_sigmas": False,
}
MODEL_INDEX = {
    "_class_name": "WanPipeline", "_diffusers_version": "0.33.0.dev0",
    "scheduler": ["diffusers", "UniPCMultistepScheduler"], "text_encoder": ["transformers", "UMT5EncoderModel"],
    "tokenizer": ["transformers", "T5TokenizerFast"], "transformer": ["diffusers", "WanTransformer3DModel"],
    "vae": ["diffusers", "AutoencoderKLWan"],
}


def _initial_values(key: str, shape: Tuple[int, ...], normal: Callable[[Tuple[int, ...]], np.ndarray]) -> np.ndarray:
    """Values of a trained model's scale: norm gains near 1, small biases, weights ~ 1/sqrt(fan_in).
    `shape` may be a slice of the tensor along its first axis; the rules use only the other axes."""
    if key.endswith((".gamma", "norm_q.weight", "norm_k.weight", "layer_norm.weight", "norm2.weight")):
        value = 1.0 + 0.1 * normal(shape)
    elif key.endswith(".bias"):
        value = 0.02 * normal(shape)
    elif key.endswith("scale_shift_table"):
        value = normal(shape) / np.sqrt(shape[-1])
    elif key.endswith("relative_attention_bias.weight"):
        value = 0.5 * normal(shape)
    elif key == checkpoint_keys.EMBEDDING_KEY:
        value = normal(shape)
    else:
        value = normal(shape) / np.sqrt(int(np.prod(shape[1:])))
    return value.astype(np.float32)


def tiny_tensors(shapes: checkpoint_keys.Shapes, rng: np.random.RandomState) -> Dict[str, np.ndarray]:
    """All tensors of a small component at once, drawn in key order from one seeded stream."""
    return {key: _initial_values(key, shapes[key], lambda s: rng.randn(*s)) for key in sorted(shapes)}


def streamed_slices(shapes: checkpoint_keys.Shapes, seed: int, elements_per_slice: int = 1 << 24):
    """slices(key) for tensors too large to hold: each key its own seeded stream, drawn in row slices."""
    def slices(key: str):
        shape = shapes[key]
        generator = np.random.default_rng([seed, zlib.crc32(key.encode())])
        row = int(np.prod(shape[1:], dtype=np.int64)) if len(shape) > 1 else 1
        rows_per_slice = max(1, elements_per_slice // row) if len(shape) > 1 else shape[0]
        for start in range(0, shape[0] if shape else 1, rows_per_slice):
            piece = (min(rows_per_slice, shape[0] - start), *shape[1:]) if shape else ()
            yield _initial_values(key, piece, lambda s: generator.standard_normal(s, dtype=np.float32))
    return slices


def _sentences() -> List[str]:
    """A few hundred plain English prompts, made from fixed word lists (no data is downloaded)."""
    subjects = ["a dog", "a cat", "two horses", "a small bird", "the old man", "a young woman", "a red car",
                "three children", "a white boat", "an orange fox", "the camera", "a robot", "a golden eagle",
                "a purple jellyfish", "four penguins", "a brave knight", "a tiny mouse", "the yellow taxi",
                "a silver train", "an astronaut", "a green dragon", "a chef", "a panda bear", "a violin player"]
    actions = ["running on", "walking across", "flying over", "sitting near", "jumping into", "driving along",
               "looking at", "dancing beside", "swimming in", "resting under", "climbing", "floating above",
               "painting", "cooking beside", "sleeping inside", "spinning around"]
    places = ["a beach at sunset", "the snowy mountains", "a busy city street", "a quiet forest",
              "the blue ocean", "a green field of flowers", "an empty road at night", "the river bank",
              "a wooden bridge", "a sunny garden", "a crowded market", "the frozen lake", "a desert canyon",
              "a neon-lit alley", "the ancient temple", "a rainy harbour", "a cosy kitchen", "the volcano"]
    styles = ["", ", cinematic lighting", ", slow motion", ", 4k, highly detailed", ", in the rain",
              ", aerial view", ", close-up shot", ", watercolour style", ", soft morning light",
              ", dramatic shadows", ", vintage film grain", ", wide angle"]
    out = []
    for i, subject in enumerate(subjects):
        for j, action in enumerate(actions):
            place = places[(i * 5 + j) % len(places)]
            style = styles[(i * 7 + j * 3) % len(styles)]
            out.append(f"{subject} {action} {place}{style}.")
    out += ["The quick brown fox jumps over the lazy dog 123 times!",
            "Numbers like 0, 1, 2, 5, 7, 9, 42 and 2024 appear in prompts; so do commas, dots and (brackets).",
            "Café, naïve, résumé: accents should survive normalisation.",
            "Question marks? Exclamation marks! Quotes \"like these\" and hyphen-ated words."]
    return out


def train_tokenizer(folder: str) -> Dict[str, object]:
    """Train a small Unigram model (pad 0, eos 1, unk 2, as umT5) and write spiece.model + tokenizer.json."""
    import sentencepiece as spm  # python3-sentencepiece (Debian)

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_sentences()), model_writer=model, model_type="unigram",
        vocab_size=TOKENIZER_VOCAB, pad_id=0, eos_id=1, unk_id=2, bos_id=-1, character_coverage=1.0,
        num_threads=1, minloglevel=2)
    model_bytes = model.getvalue()
    with open(os.path.join(folder, "spiece.model"), "wb") as handle:
        handle.write(model_bytes)
    tokenizer = spm_to_tokenizer_json(model_bytes)
    _write_json(os.path.join(folder, "tokenizer.json"), tokenizer)
    _write_json(os.path.join(folder, "tokenizer_config.json"),
                {"tokenizer_class": "T5Tokenizer", "model_max_length": 512, "pad_token": "<pad>",
                 "eos_token": "</s>", "unk_token": "<unk>"})
    _write_json(os.path.join(folder, "special_tokens_map.json"),
                {"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"})
    return tokenizer


def _write_json(path: str, value: object) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


FULL_SIZE = {  # Wan-AI/Wan2.1-T2V-1.3B-Diffusers
    "transformer": {"attention_head_dim": 128, "ffn_dim": 8960, "freq_dim": 256, "num_attention_heads": 12,
                    "num_layers": 30, "text_dim": 4096},
    "text_encoder": {"d_ff": 10240, "d_kv": 64, "d_model": 4096, "num_heads": 64, "num_layers": 24,
                     "num_decoder_layers": 24, "vocab_size": 256384},
    "vae": {"base_dim": 96},
}


def configs(size: str, layers: int | None) -> Dict[str, dict]:
    """The tiny (contract) or full-size (official dims) configs; `layers` overrides both layer counts."""
    out = {"transformer": dict(TRANSFORMER_CONFIG), "text_encoder": dict(TEXT_ENCODER_CONFIG), "vae": dict(VAE_CONFIG)}
    if size == "full":
        for name, changes in FULL_SIZE.items():
            out[name].update(changes)
    if layers is not None:
        out["transformer"]["num_layers"] = layers
        out["text_encoder"]["num_layers"] = layers
    return out


def write_checkpoint(out: str, seed: int = 0, size: str = "tiny", layers: int | None = None) -> None:
    """Tiny: every tensor from one seeded stream (a fixed byte-exact checkpoint). Full: each tensor from its
    own seeded stream, written in slices, so the 17 GB checkpoint never sits in memory."""
    cfg = configs(size, layers)
    for sub in ("transformer", "vae", "text_encoder", "tokenizer", "scheduler"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    _write_json(os.path.join(out, "model_index.json"), MODEL_INDEX)
    _write_json(os.path.join(out, "scheduler", "scheduler_config.json"), SCHEDULER_CONFIG)
    train_tokenizer(os.path.join(out, "tokenizer"))

    shapes = {
        "transformer": checkpoint_keys.transformer_keys(cfg["transformer"]),
        "vae": {**checkpoint_keys.vae_decoder_keys(cfg["vae"]), **checkpoint_keys.vae_encoder_keys(cfg["vae"])},
        "text_encoder": checkpoint_keys.text_encoder_keys(cfg["text_encoder"]),
    }
    if size == "tiny":
        rng = np.random.RandomState(seed)
        tensors = {name: tiny_tensors(shapes[name], rng) for name in ("transformer", "vae", "text_encoder")}
        slices = {name: (lambda values: lambda key: [values[key]])(tensors[name]) for name in tensors}
    else:
        slices = {name: streamed_slices(shapes[name], seed) for name in shapes}
    for name in ("transformer", "vae", "text_encoder"):
        _write_json(os.path.join(out, name, "config.json"), cfg[name])
    ordered = {name: [(key, shapes[name][key]) for key in sorted(shapes[name])] for name in shapes}
    safetensors_io.write_sharded(os.path.join(out, "transformer"), "diffusion_pytorch_model", ordered["transformer"],
                                 slices["transformer"], 2)
    safetensors_io.write_file_streaming(os.path.join(out, "vae", "diffusion_pytorch_model.safetensors"),
                                        [(key, shape, "F32") for key, shape in ordered["vae"]], slices["vae"])
    safetensors_io.write_sharded(os.path.join(out, "text_encoder"), "model", ordered["text_encoder"],
                                 slices["text_encoder"], 2 if size == "tiny" else 5, dtype="BF16")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder to write the checkpoint into (created)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", choices=("tiny", "full"), default="tiny",
                        help="tiny: the tests' dims; full: Wan2.1-T2V-1.3B's dims (about 17 GB, for cost measurements)")
    parser.add_argument("--layers", type=int, default=None, help="override the DiT's and umT5's layer counts")
    args = parser.parse_args()
    write_checkpoint(args.out, args.seed, args.size, args.layers)
    print(f"synthetic Wan2.1 checkpoint written to {args.out}")


if __name__ == "__main__":
    main()
