"""Self-test of Tessera's Wan model code, run by test/unit/wanModels.test.ts (no fetched code needed).

    /usr/bin/python3 converter/wan/selftest_models.py --out DIR

Checks, failing with a non-zero exit and a message:
  1. WanDiT and UMT5Encoder take the real checkpoints' names and shapes for the tiny config
     (test/fixtures/wan21/model-keys-tiny.json) with strict loading, and refuse a missing, an
     unknown or a mis-shaped key with a message that names it.
  2. rope_tables equals the contract's formula computed element by element, the pair rotation equals
     the official complex multiply, and test/fixtures/wan21/rope-golden.json is current.
Then exports both tiny graphs to DIR (dit.onnx, text_encoder.onnx) and writes DIR/cases.json: inputs
and torch outputs at two shapes per graph, which the TypeScript test replays in onnxruntime-node.
"""
from __future__ import annotations

import argparse
import base64
import json
import math
import os
import sys
import warnings
from typing import Callable, Dict, List

import numpy as np
import torch

from dit import WanDiT, apply_rope, export_dit_onnx
from rope import axis_dims, rope_tables
from umt5 import EMBEDDING_KEYS, UMT5Encoder, export_umt5_onnx

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS_FIXTURE = os.path.join(REPO, "test", "fixtures", "wan21", "model-keys-tiny.json")
ROPE_GOLDEN = os.path.join(REPO, "test", "fixtures", "wan21", "rope-golden.json")


class SelfTestFailure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


def random_state(keys: Dict[str, List[int]], gen: torch.Generator) -> Dict[str, torch.Tensor]:
    """Seeded random tensors of the given shapes; norm scales near 1 so activations stay in range."""
    state = {}
    for name, shape in keys.items():
        if "norm" in name and name.endswith("weight"):
            state[name] = 1 + 0.2 * torch.randn(shape, generator=gen)
        elif len(shape) >= 2 and "relative_attention_bias" not in name and "scale_shift_table" not in name:
            fan_in = math.prod(shape[1:])
            state[name] = torch.randn(shape, generator=gen) / math.sqrt(fan_in)
        else:
            state[name] = 0.3 * torch.randn(shape, generator=gen)
    return state


def expect_load_error(make: Callable[[], torch.nn.Module], state: Dict[str, torch.Tensor], needle: str, what: str) -> None:
    try:
        make().load_state_dict(state, strict=True)
    except RuntimeError as error:
        check(needle in str(error), f"{what}: the error does not name '{needle}': {error}")
        return
    raise SelfTestFailure(f"{what}: strict loading accepted it")


def check_keys(name: str, make: Callable[[], torch.nn.Module], keys: Dict[str, List[int]]) -> torch.nn.Module:
    gen = torch.Generator().manual_seed(1)
    state = random_state(keys, gen)
    model = make()
    model.load_state_dict(state, strict=True)
    for key, tensor in model.state_dict().items():
        check(torch.equal(tensor, state[key]), f"{name}: {key} did not load unchanged")
    first, last = sorted(keys)[0], sorted(keys)[-1]
    expect_load_error(make, {k: v for k, v in state.items() if k != first}, first, f"{name} without {first}")
    expect_load_error(make, dict(state, **{last + "_unknown": state[last]}), last + "_unknown", f"{name} with an unknown key")
    wrong = dict(state)
    wrong[last] = torch.zeros([s + 1 for s in state[last].shape])
    expect_load_error(make, wrong, last, f"{name} with a mis-shaped {last}")
    return model


def check_rope() -> Dict[str, float]:
    head_dim, frames, height, width, theta = 32, 3, 4, 5, 10000.0
    cos, sin = rope_tables(head_dim, frames, height, width, theta)
    d_t, d_h, d_w = axis_dims(head_dim)
    check((d_t, d_h, d_w) == (12, 10, 10), f"axis_dims(32) = {(d_t, d_h, d_w)}, expected (12, 10, 10)")
    worst = 0.0
    for token in range(frames * height * width):
        pos = (token // (height * width), (token // width) % height, token % width)
        column = 0
        for axis, d_axis in enumerate((d_t, d_h, d_w)):
            for k in range(d_axis // 2):
                angle = pos[axis] * theta ** (-2 * k / d_axis)
                worst = max(worst, abs(cos[token, column] - math.cos(angle)), abs(sin[token, column] - math.sin(angle)))
                column += 1
    check(worst < 1e-6, f"rope_tables differs from the formula by {worst}")

    x = torch.randn(1, frames * height * width, 2, head_dim, generator=torch.Generator().manual_seed(3))
    rotated = apply_rope(x, torch.from_numpy(cos), torch.from_numpy(sin))
    as_complex = torch.view_as_complex(x.double().reshape(*x.shape[:-1], -1, 2))
    turns = torch.polar(torch.ones(cos.shape, dtype=torch.float64), torch.atan2(torch.from_numpy(sin).double(), torch.from_numpy(cos).double()))
    expected = torch.view_as_real(as_complex * turns[:, None, :]).flatten(-2)
    rotation = (rotated.double() - expected).abs().max().item()
    check(rotation < 1e-5, f"apply_rope differs from the complex multiply by {rotation}")

    with open(ROPE_GOLDEN, encoding="utf-8") as f:
        golden = json.load(f)
    g_cos, g_sin = rope_tables(golden["headDim"], golden["frames"], golden["heightTokens"], golden["widthTokens"], golden["theta"])
    check(
        list(g_cos.shape) == golden["shape"] and g_cos.reshape(-1).tolist() == golden["cos"] and g_sin.reshape(-1).tolist() == golden["sin"],
        f"{ROPE_GOLDEN} is stale: regenerate it with /usr/bin/python3 converter/wan/rope.py test/fixtures/wan21/rope-golden.json",
    )
    return {"formula": worst, "complex": rotation}


def encode(array: torch.Tensor | np.ndarray) -> Dict[str, object]:
    data = np.ascontiguousarray(np.asarray(array, dtype=np.float32))
    return {"dims": list(data.shape), "data": base64.b64encode(data.tobytes()).decode("ascii")}


def dit_cases(model: WanDiT, gen: torch.Generator) -> List[Dict[str, object]]:
    """64x64 video with 5 frames (latent 2x8x8, 512 context rows, prompt rows then zeros) and 64 wide x 32 high
    with 9 frames (latent 3x4x8, a 16-row context): different T, h, w and context length through one graph."""
    text_dim = model.condition_embedder.text_embedder.linear_1.in_features
    channels = model.patch_embedding.in_channels
    cases = []
    for (frames, height, width), context_rows, prompt_rows, t in (((2, 8, 8), 512, 9, 937.5), ((3, 4, 8), 16, 16, 12.0)):
        latents = torch.randn(1, channels, frames, height, width, generator=gen)
        context = torch.zeros(1, context_rows, text_dim)
        context[0, :prompt_rows] = torch.randn(prompt_rows, text_dim, generator=gen)
        p_t, p_h, p_w = model.patch_size
        cos, sin = (torch.from_numpy(a) for a in rope_tables(model.head_dim, frames // p_t, height // p_h, width // p_w))
        timestep = torch.tensor([t])
        with torch.no_grad():
            velocity = model(latents, timestep, context, cos, sin)
        cases.append({
            "inputs": {"latents": encode(latents), "timestep": encode(timestep), "context": encode(context),
                       "rope_cos": encode(cos), "rope_sin": encode(sin)},
            "outputs": {"velocity": encode(velocity)},
        })
    return cases


def text_cases(model: UMT5Encoder, gen: torch.Generator) -> List[Dict[str, object]]:
    cases = []
    for length in (5, 40):
        embeds = torch.randn(1, length, model.dims.d_model, generator=gen)
        with torch.no_grad():
            hidden = model(embeds)
        cases.append({"inputs": {"inputs_embeds": encode(embeds)}, "outputs": {"hidden_states": encode(hidden)}})
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="folder for dit.onnx, text_encoder.onnx and cases.json")
    args = parser.parse_args()
    torch.set_num_threads(2)
    warnings.filterwarnings("ignore")  # torch.onnx's tracer warnings about shape arithmetic are expected
    with open(KEYS_FIXTURE, encoding="utf-8") as f:
        fixture = json.load(f)
    dit_config, te_config = fixture["dit"]["config"], fixture["textEncoder"]["config"]
    te_keys = {k: v for k, v in fixture["textEncoder"]["keys"].items() if k not in EMBEDDING_KEYS}
    try:
        dit = check_keys("WanDiT", lambda: WanDiT(dit_config), fixture["dit"]["keys"]).eval()
        text = check_keys("UMT5Encoder", lambda: UMT5Encoder(te_config), te_keys).eval()
        rope = check_rope()
    except SelfTestFailure as failure:
        print(f"selftest_models: {failure}", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    export_dit_onnx(dit, os.path.join(args.out, "dit.onnx"))
    export_umt5_onnx(text, os.path.join(args.out, "text_encoder.onnx"))
    gen = torch.Generator().manual_seed(5)
    with open(os.path.join(args.out, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({"dit": dit_cases(dit, gen), "textEncoder": text_cases(text, gen), "rope": rope}, f)
    print(json.dumps({"ok": True, "rope": rope}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
