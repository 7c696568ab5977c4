"""Write a tiny random Wan2.1 checkpoint in the Diffusers layout of Wan-AI/Wan2.1-T2V-1.3B-Diffusers.

    /usr/bin/python3 -m converter.wan.synthetic --out DIR [--seed 0]

The folder has what the official one has: model_index.json; transformer/, vae/ (encoder keys
included), text_encoder/ (sharded, bfloat16) with their config.json and safetensors under the real key
names; a Unigram tokenizer trained here with python3-sentencepiece (tokenizer/spiece.model and
tokenizer.json); scheduler/scheduler_config.json. Dimensions are the contract's tiny config
(docs/model-pack.md, "Wan2.1"); weights are seeded random numbers, so every run writes the same bytes.
"""
from __future__ import annotations

import argparse
import io
import json
import os
from typing import Dict, List, Tuple

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


def random_tensors(shapes: checkpoint_keys.Shapes, rng: np.random.RandomState) -> List[Tuple[str, np.ndarray]]:
    """Values of a trained model's scale: norm gains near 1, small biases, weights ~ 1/sqrt(fan_in)."""
    out = []
    for key in sorted(shapes):
        shape = shapes[key]
        if key.endswith((".gamma", "norm_q.weight", "norm_k.weight", "layer_norm.weight", "norm2.weight")):
            value = 1.0 + 0.1 * rng.randn(*shape)
        elif key.endswith(".bias"):
            value = 0.02 * rng.randn(*shape)
        elif key.endswith("scale_shift_table"):
            value = rng.randn(*shape) / np.sqrt(shape[-1])
        elif key.endswith("relative_attention_bias.weight"):
            value = 0.5 * rng.randn(*shape)
        elif key == checkpoint_keys.EMBEDDING_KEY:
            value = rng.randn(*shape)
        else:
            value = rng.randn(*shape) / np.sqrt(int(np.prod(shape[1:])))
        out.append((key, value.astype(np.float32)))
    return out


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


def write_checkpoint(out: str, seed: int = 0) -> None:
    rng = np.random.RandomState(seed)
    for sub in ("transformer", "vae", "text_encoder", "tokenizer", "scheduler"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    _write_json(os.path.join(out, "model_index.json"), MODEL_INDEX)
    _write_json(os.path.join(out, "scheduler", "scheduler_config.json"), SCHEDULER_CONFIG)

    train_tokenizer(os.path.join(out, "tokenizer"))

    _write_json(os.path.join(out, "transformer", "config.json"), TRANSFORMER_CONFIG)
    transformer = random_tensors(checkpoint_keys.transformer_keys(TRANSFORMER_CONFIG), rng)
    safetensors_io.write_sharded(os.path.join(out, "transformer"), "diffusion_pytorch_model", transformer, 2)

    _write_json(os.path.join(out, "vae", "config.json"), VAE_CONFIG)
    vae_shapes = {**checkpoint_keys.vae_decoder_keys(VAE_CONFIG), **checkpoint_keys.vae_encoder_keys(VAE_CONFIG)}
    safetensors_io.write_file(os.path.join(out, "vae", "diffusion_pytorch_model.safetensors"),
                              random_tensors(vae_shapes, rng))

    _write_json(os.path.join(out, "text_encoder", "config.json"), TEXT_ENCODER_CONFIG)
    text = random_tensors(checkpoint_keys.text_encoder_keys(TEXT_ENCODER_CONFIG), rng)
    safetensors_io.write_sharded(os.path.join(out, "text_encoder"), "model", text, 2, dtype="BF16")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder to write the checkpoint into (created)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_checkpoint(args.out, args.seed)
    print(f"synthetic Wan2.1 checkpoint written to {args.out}")


if __name__ == "__main__":
    main()
