"""Reading a checkpoint folder in the Diffusers layout (Wan-AI/Wan2.1-T2V-1.3B-Diffusers) strictly.

Every component is a folder with a config.json and its safetensors (one file, or shards listed by a
`*.safetensors.index.json`). Dimensions come only from the configs. Key accounting is exact: each
tensor of a checkpoint is either used by an exported graph or set aside by design with a stated
reason; a missing, unknown or mis-shaped key stops the conversion with an error naming it and its file.
"""
from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass, field
from typing import Dict, List

import checkpoint_keys
from safetensors_io import Checkpoint, open_sharded, open_single

EXPECTED_CLASSES = {
    "transformer": "WanTransformer3DModel",
    "vae": "AutoencoderKLWan",
    "text_encoder": "UMT5EncoderModel",
}


class LayoutError(ValueError):
    """The weights folder is not a Wan2.1 checkpoint in the Diffusers layout, or one of its parts is wrong."""


@dataclass
class Component:
    name: str
    folder: str
    config: dict
    checkpoint: Checkpoint
    # key -> why it is not part of any exported graph
    set_aside: Dict[str, str] = field(default_factory=dict)


def read_json(path: str, what: str) -> dict:
    if not os.path.isfile(path):
        raise LayoutError(f"{what}: {path} does not exist")
    try:
        with open(path, "r", encoding="utf-8") as handle:
            value = json.load(handle)
    except (OSError, json.JSONDecodeError) as error:
        raise LayoutError(f"{what}: {path} is not valid JSON ({error})") from error
    if not isinstance(value, dict):
        raise LayoutError(f"{what}: {path} must hold a JSON object")
    return value


def require(config: dict, fields: List[str], path: str) -> None:
    missing = [name for name in fields if name not in config]
    if missing:
        raise LayoutError(f"{path}: missing field(s) {', '.join(missing)}")


def open_checkpoint(folder: str) -> Checkpoint:
    """The folder's index if it has one, else its only .safetensors file."""
    indexes = sorted(glob.glob(os.path.join(folder, "*.safetensors.index.json")))
    if len(indexes) > 1:
        raise LayoutError(f"{folder}: more than one shard index ({', '.join(map(os.path.basename, indexes))})")
    if indexes:
        return open_sharded(indexes[0])
    files = sorted(glob.glob(os.path.join(folder, "*.safetensors")))
    if not files:
        raise LayoutError(f"{folder}: no .safetensors file (the weights of this component are missing)")
    if len(files) > 1:
        raise LayoutError(f"{folder}: several .safetensors files but no *.safetensors.index.json to say which "
                          f"holds what ({', '.join(map(os.path.basename, files))})")
    return open_single(files[0])


CONFIG_FIELDS = {
    "transformer": ["num_attention_heads", "attention_head_dim", "in_channels", "out_channels", "num_layers",
                    "ffn_dim", "freq_dim", "text_dim", "patch_size", "eps", "qk_norm", "cross_attn_norm"],
    "text_encoder": ["d_model", "d_kv", "num_heads", "d_ff", "num_layers", "vocab_size",
                     "relative_attention_num_buckets", "relative_attention_max_distance", "feed_forward_proj",
                     "layer_norm_epsilon"],
    "vae": ["base_dim", "z_dim", "dim_mult", "num_res_blocks", "temperal_downsample", "latents_mean", "latents_std"],
}


def open_component(root: str, name: str) -> Component:
    folder = os.path.join(root, name)
    if not os.path.isdir(folder):
        raise LayoutError(f"{root}: the {name}/ folder is missing (Diffusers layout: model_index.json, "
                          f"transformer/, vae/, text_encoder/, tokenizer/, scheduler/)")
    config_path = os.path.join(folder, "config.json")
    config = read_json(config_path, name)
    require(config, CONFIG_FIELDS[name], config_path)
    declared = config.get("_class_name") or (config.get("architectures") or [None])[0]
    if declared is not None and declared != EXPECTED_CLASSES[name]:
        raise LayoutError(f"{config_path}: class {declared!r} is not {EXPECTED_CLASSES[name]!r}")
    return Component(name, folder, config, open_checkpoint(folder))


def check_keys(component: Component, expected: checkpoint_keys.Shapes, set_aside: Dict[str, str]) -> None:
    """Every expected key present with its shape; every checkpoint key expected or set aside by design."""
    ckpt = component.checkpoint
    have = set(ckpt.keys())
    missing = sorted(k for k in expected if k not in have)
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise LayoutError(f"{component.name}: key {missing[0]!r}{more} missing from {ckpt.description} "
                          f"(the config asks for it)")
    unknown = sorted(k for k in have if k not in expected and k not in set_aside)
    if unknown:
        more = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
        raise LayoutError(f"{component.name}: unknown key {unknown[0]!r}{more} in {ckpt.file_of(unknown[0])} "
                          f"(not part of a Wan2.1 {EXPECTED_CLASSES[component.name]} with this config)")
    for key, shape in expected.items():
        if tuple(ckpt.shape(key)) != tuple(shape):
            raise LayoutError(f"{component.name}: key {key!r} in {ckpt.file_of(key)} has shape "
                              f"{list(ckpt.shape(key))}, the config implies {list(shape)}")
    component.set_aside = {k: set_aside[k] for k in sorted(have) if k in set_aside}


@dataclass
class WanCheckpoint:
    root: str
    model_index: dict
    transformer: Component
    text_encoder: Component
    vae: Component
    scheduler_config: dict
    tokenizer_folder: str


def read_checkpoint(root: str) -> WanCheckpoint:
    if not os.path.isdir(root):
        raise LayoutError(f"--weights {root}: no such folder")
    if not os.path.isfile(os.path.join(root, "model_index.json")):
        # The original Wan layout (one .safetensors for the DiT, .pth files for umT5 and the VAE) is the
        # likeliest download by mistake: say which repository has the layout read here.
        raise LayoutError(f"--weights {root}: no model_index.json, so not a checkpoint in the Diffusers layout "
                          "(the converter reads Wan-AI/Wan2.1-T2V-1.3B-Diffusers, not the original-layout "
                          "Wan-AI/Wan2.1-T2V-1.3B)")
    model_index = read_json(os.path.join(root, "model_index.json"), "model_index.json")
    for name in ("transformer", "vae", "text_encoder", "tokenizer", "scheduler"):
        if name not in model_index:
            raise LayoutError(f"{os.path.join(root, 'model_index.json')}: no {name!r} entry")
    transformer = open_component(root, "transformer")
    text_encoder = open_component(root, "text_encoder")
    vae = open_component(root, "vae")

    check_keys(transformer, checkpoint_keys.transformer_keys(transformer.config), {})
    text_expected = checkpoint_keys.text_encoder_keys(text_encoder.config)
    check_keys(text_encoder, text_expected, {
        checkpoint_keys.TIED_EMBEDDING_KEY: "tied copy of shared.weight (the row file is made from shared.weight)"})
    # Every official VAE checkpoint holds its encoder, so its keys are required, but no graph uses them.
    encoder_keys = checkpoint_keys.vae_encoder_keys(vae.config)
    check_keys(vae, {**checkpoint_keys.vae_decoder_keys(vae.config), **encoder_keys}, {})
    vae.set_aside = {k: "VAE encoder: not exported (text-to-video only; image/video-to-video unavailable for this pack)"
                     for k in sorted(encoder_keys)}

    scheduler_path = os.path.join(root, "scheduler", "scheduler_config.json")
    scheduler_config = read_json(scheduler_path, "scheduler")
    tokenizer_folder = os.path.join(root, "tokenizer")
    if not os.path.isdir(tokenizer_folder):
        raise LayoutError(f"{root}: the tokenizer/ folder is missing")
    return WanCheckpoint(root, model_index, transformer, text_encoder, vae, scheduler_config, tokenizer_folder)


def accounting_report(ckpt: WanCheckpoint) -> List[str]:
    """Lines saying, per component, how many keys are used and which are set aside and why."""
    lines = []
    for component in (ckpt.transformer, ckpt.text_encoder, ckpt.vae):
        total = len(component.checkpoint.keys())
        reasons: Dict[str, int] = {}
        for reason in component.set_aside.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        used = total - len(component.set_aside)
        lines.append(f"{component.name}: {total} keys, {used} used" +
                     "".join(f"; {n} set aside: {r}" for r, n in reasons.items()))
    return lines
