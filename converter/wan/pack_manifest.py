"""manifest.json of a `wan2.1` pack (formatVersion 2): file records with hashes, and the model sections
taken from the checkpoint's configs (docs/model-pack.md, "Wan2.1")."""
from __future__ import annotations

import hashlib
import math
import os
from typing import Dict, List, Sequence, Tuple

DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024
SCHEDULER_TYPES = {"UniPCMultistepScheduler": "unipc-multistep",
                   "FlowMatchEulerDiscreteScheduler": "flow-match-euler"}


def file_record(folder: str, path: str, role: str, of: str | None = None,
                chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> dict:
    """{role, [of], path, bytes, sha256[, chunks]}; per-chunk hashes for files longer than one chunk."""
    whole = hashlib.sha256()
    chunk_hashes: List[str] = []
    size = 0
    with open(os.path.join(folder, path), "rb") as handle:
        while True:
            block = handle.read(chunk_bytes)
            if not block:
                break
            whole.update(block)
            chunk_hashes.append(hashlib.sha256(block).hexdigest())
            size += len(block)
    record: Dict[str, object] = {"role": role}
    if of:
        record["of"] = of
    record.update({"path": path, "bytes": size, "sha256": whole.hexdigest()})
    if len(chunk_hashes) > 1:
        record["chunks"] = {"bytes": chunk_bytes, "sha256": chunk_hashes}
    return record


def aspect_name(width: int, height: int) -> str:
    d = math.gcd(width, height)
    return f"{width // d}:{height // d}"


def scheduler_section(config: dict, steps: int | None, distilled: bool, guidance: float | None) -> dict:
    """The sampler named by scheduler/scheduler_config.json, or the few-step sampler of a distilled checkpoint."""
    name = config.get("_class_name")
    if name not in SCHEDULER_TYPES:
        raise ValueError(f"scheduler/scheduler_config.json: _class_name {name!r} is not one of {sorted(SCHEDULER_TYPES)}")
    shift = config.get("flow_shift" if name == "UniPCMultistepScheduler" else "shift")
    if not isinstance(shift, (int, float)) or shift <= 0:
        field = "flow_shift" if name == "UniPCMultistepScheduler" else "shift"
        raise ValueError(f"scheduler/scheduler_config.json: {field} = {shift!r} must be a positive number")
    if distilled:
        return {"type": "flow-match-lcm", "steps": steps or 4, "shift": float(shift),
                "guidance": 1.0 if guidance is None else guidance}
    return {"type": SCHEDULER_TYPES[name], "steps": steps or 20, "shift": float(shift),
            "guidance": 5.0 if guidance is None else guidance}


def video_section(sizes: Sequence[Tuple[int, int]], frame_counts: Sequence[int], fps: int, step: int,
                  temporal: int) -> dict:
    for width, height in sizes:
        if width % step or height % step or width <= 0 or height <= 0:
            raise ValueError(f"--sizes {width}x{height}: width and height must be positive multiples of {step} "
                             f"(VAE compression × patch)")
    for frames in frame_counts:
        if frames < 1 or (frames - 1) % temporal:
            raise ValueError(f"--frames {frames}: a frame count must be 1 + {temporal}·k")
    named = {}
    for width, height in sizes:
        key = aspect_name(width, height)
        if key in named:
            raise ValueError(f"--sizes: two sizes share the aspect {key}")
        named[key] = {"width": width, "height": height}
    return {"fps": fps, "sizes": named, "frameCounts": sorted(set(frame_counts))}
