"""Export the three Wan2.1 components to ONNX with Tessera's own model code (dit.py, umt5.py,
vae_decoder.py), loading each tensor from the memory-mapped checkpoint only when it is needed."""
from __future__ import annotations

import io
from typing import Callable, Dict, List, Set

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

import graph_chain
from layout import Component
from quantize_nbits import QuantizeStats, quantize_matmuls
from rope import rope_tables

Progress = Callable[[str], None]
OPSET = 17


def _torch_tensor(component: Component, key: str) -> torch.Tensor:
    return torch.from_numpy(np.array(component.checkpoint.tensor(key), dtype=np.float32))


def state_dict_of(component: Component, prefix: str = "", strip: str = "") -> Dict[str, torch.Tensor]:
    """The component's used tensors whose key starts with `prefix`, as float32, `strip` removed from the key."""
    return {key[len(strip):]: _torch_tensor(component, key) for key in component.checkpoint.keys()
            if key.startswith(prefix) and key not in component.set_aside}


def load_into(module: torch.nn.Module, component: Component, prefix: str = "", strip: str = "",
              include: Callable[[str], bool] | None = None) -> Set[str]:
    """Strict load_state_dict that copies each tensor from the memory map straight into the module's own
    parameter, one at a time, so a model is never held twice (a 1.4B DiT is 5.7 GB in float32).
    Offers the used keys starting with `prefix` (and passing `include`); returns them."""
    own = module.state_dict()
    offered = {key[len(strip):]: key for key in component.checkpoint.keys()
               if key.startswith(prefix) and key not in component.set_aside and (include is None or include(key))}
    missing, unknown = sorted(set(own) - set(offered)), sorted(set(offered) - set(own))
    if missing or unknown:
        raise ValueError(f"{component.name}: the model code and the checkpoint disagree: "
                         f"missing {[strip + m for m in missing[:5]]}, unexpected {[offered[u] for u in unknown[:5]]}")
    with torch.no_grad():
        for name, key in offered.items():
            value = torch.from_numpy(np.asarray(component.checkpoint.tensor(key), dtype=np.float32))
            if value.shape != own[name].shape:
                raise ValueError(f"{component.name}: {key} is {list(value.shape)}, the model expects {list(own[name].shape)}")
            own[name].copy_(value)
    return set(offered.values())


def _merge(total: QuantizeStats, part: QuantizeStats) -> None:
    total.replaced += part.replaced
    total.float_bytes += part.float_bytes
    total.quantized_bytes += part.quantized_bytes
    total.max_relative_error = max(total.max_relative_error, part.max_relative_error)


def _export_to_proto(module: torch.nn.Module, inputs: tuple, input_names: List[str], output_names: List[str],
                     dynamic_axes: dict) -> onnx.ModelProto:
    buffer = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(module.eval(), inputs, buffer, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    return onnx.load_from_string(buffer.getvalue())


def export_text_encoder(component: Component, bits: int, block_size: int, symmetric: bool,
                        progress: Progress) -> tuple[onnx.ModelProto, QuantizeStats]:
    """umT5 layers one at a time (each exported, quantised, freed), then chained into one graph
    `inputs_embeds` [1, L, d_model] -> `hidden_states` [1, L, d_model]."""
    from umt5 import UMT5Encoder

    config = component.config
    layers = int(config["num_layers"])
    d_model = int(config["d_model"])
    one_layer = UMT5Encoder({**config, "num_layers": 1})
    block, final_norm = one_layer.encoder.block[0], one_layer.encoder.final_layer_norm
    sample = (torch.randn(1, 7, d_model, generator=torch.Generator().manual_seed(0)),)
    axes = {"x": {1: "length"}, "y": {1: "length"}}
    stats = QuantizeStats(0, 0, 0, 0.0)
    pieces: List[onnx.ModelProto] = []
    for i in range(layers):
        prefix = f"encoder.block.{i}."
        load_into(block, component, prefix, prefix)
        piece = _export_to_proto(block, sample, ["x"], ["y"], axes)
        _merge(stats, quantize_matmuls(piece, bits, block_size, symmetric))
        pieces.append(piece)
        progress(f"text encoder: layer {i + 1}/{layers} exported and quantised to {bits} bits")
    load_into(final_norm, component, "encoder.final_layer_norm.", "encoder.final_layer_norm.")
    pieces.append(_export_to_proto(final_norm, sample, ["x"], ["y"], axes))
    shape = [1, "length", d_model]
    model = graph_chain.chain(pieces, helper.make_tensor_value_info("inputs_embeds", TensorProto.FLOAT, shape),
                              helper.make_tensor_value_info("hidden_states", TensorProto.FLOAT, shape),
                              "umt5_encoder")
    return model, stats


def dit_sample_inputs(config: dict, frames: int = 2, height_tokens: int = 3, width_tokens: int = 4,
                      context_length: int = 8) -> tuple:
    """Inputs with every dynamic axis distinct and > 1, so tracing keeps them symbolic."""
    p_t, p_h, p_w = config["patch_size"]
    head_dim = int(config["attention_head_dim"])
    gen = torch.Generator().manual_seed(0)
    cos, sin = rope_tables(head_dim, frames, height_tokens, width_tokens)
    return (torch.randn(1, int(config["in_channels"]), frames * p_t, height_tokens * p_h, width_tokens * p_w,
                        generator=gen),
            torch.tensor([500.0]),
            torch.randn(1, context_length, int(config["text_dim"]), generator=gen),
            torch.from_numpy(cos), torch.from_numpy(sin))


def export_dit(component: Component, bits: int | None, block_size: int, symmetric: bool,
               progress: Progress) -> tuple[onnx.ModelProto, QuantizeStats]:
    """The DiT one piece at a time (input side, each block, output side: dit_pieces.py), each exported,
    quantised and freed, then joined into one graph with the contract's I/O."""
    from dit import WanDiT
    import dit_pieces as dp

    config = component.config
    layers = int(config["num_layers"])
    model = WanDiT({**config, "num_layers": 1}).eval()
    head, block, tail = dp.DitHead(model), dp.DitBlock(model.blocks[0]), dp.DitTail(model)
    loaded = load_into(head, component, include=dp.is_head_key) | load_into(tail, component, include=dp.is_tail_key)
    latents, timestep, context, cos, sin = dit_sample_inputs(config)
    with torch.no_grad():
        tokens, temb, time_mod, text = head(latents, timestep, context)
    token_axes = {1: "tokens"}
    stats = QuantizeStats(0, 0, 0, 0.0)

    def finish(piece: onnx.ModelProto) -> onnx.ModelProto:
        if bits is not None:
            _merge(stats, quantize_matmuls(piece, bits, block_size, symmetric))
        return piece

    pieces: List[graph_chain.Piece] = [(finish(_export_to_proto(
        head, (latents, timestep, context), dp.HEAD_INPUTS, dp.HEAD_OUTPUTS,
        {"latents": {2: "frames", 3: "height", 4: "width"}, "context": {1: "context_length"},
         "tokens": token_axes, "text": {1: "context_length"}})),
        {"latents": "latents", "timestep": "timestep", "context": "context"},
        {"tokens": "tokens_0", "temb": "temb", "time_mod": "time_mod", "text": "text"})]
    for i in range(layers):
        prefix = f"blocks.{i}."
        loaded |= load_into(block.block, component, prefix, prefix)
        piece = finish(_export_to_proto(
            block, (tokens, text, time_mod, cos, sin), dp.BLOCK_INPUTS, dp.BLOCK_OUTPUTS,
            {"tokens": token_axes, "text": {1: "context_length"}, "rope_cos": {0: "tokens"}, "rope_sin": {0: "tokens"},
             "tokens_out": token_axes}))
        pieces.append((piece, {"tokens": f"tokens_{i}", "text": "text", "time_mod": "time_mod",
                               "rope_cos": "rope_cos", "rope_sin": "rope_sin"}, {"tokens_out": f"tokens_{i + 1}"}))
        progress(f"dit: block {i + 1}/{layers} exported" + (f" and quantised to {bits} bits" if bits else ""))
    pieces.append((finish(_export_to_proto(
        tail, (tokens, temb, latents), dp.TAIL_INPUTS, dp.TAIL_OUTPUTS,
        {"tokens": token_axes, "latents": {2: "frames", 3: "height", 4: "width"},
         "velocity": {2: "frames", 3: "height", 4: "width"}})),
        {"tokens": f"tokens_{layers}", "temb": "temb", "latents": "latents"}, {"velocity": "velocity"}))
    unloaded = set(component.checkpoint.keys()) - set(component.set_aside) - loaded
    if unloaded:
        raise ValueError(f"transformer: keys no DiT piece took: {sorted(unloaded)[:5]}")
    channels, text_dim = int(config["in_channels"]), int(config["text_dim"])
    half_head = int(config["attention_head_dim"]) // 2
    video = [1, channels, "frames", "height", "width"]
    graph = graph_chain.compose(
        pieces,
        [helper.make_tensor_value_info("latents", TensorProto.FLOAT, video),
         helper.make_tensor_value_info("timestep", TensorProto.FLOAT, [1]),
         helper.make_tensor_value_info("context", TensorProto.FLOAT, [1, "context_length", text_dim]),
         helper.make_tensor_value_info("rope_cos", TensorProto.FLOAT, ["tokens", half_head]),
         helper.make_tensor_value_info("rope_sin", TensorProto.FLOAT, ["tokens", half_head])],
        [helper.make_tensor_value_info("velocity", TensorProto.FLOAT, [1, int(config["out_channels"]), "frames",
                                                                        "height", "width"])],
        "wan_dit")
    return graph, stats


def load_vae_decoder(component: Component):
    from vae_decoder import WanVaeDecoder, load_vae_decoder_weights

    decoder = WanVaeDecoder(component.config)
    load_vae_decoder_weights(decoder, state_dict_of(component))
    return decoder.eval()


def export_vae(decoder, folder: str, height_latent: int, width_latent: int) -> dict:
    """The two streaming graphs (fp32) via vae_export.py, written into `folder`."""
    from vae_export import export_vae_decoder_onnx

    return export_vae_decoder_onnx(decoder, folder, height_latent, width_latent)
