"""Reading and writing .safetensors files without the safetensors package.

A file is an 8-byte little-endian header length, a JSON header mapping each tensor name to
{"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the end of the header), an
optional "__metadata__" entry, then the raw little-endian tensor bytes. Tensors are memory-mapped
(np.memmap), so a 23 GB text encoder is read one tensor at a time, never all at once.
"""
from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Mapping, Tuple

import numpy as np

# A header larger than this is refused before it is parsed (the format's own readers cap it at 100 MB).
MAX_HEADER_BYTES = 100 * 1024 * 1024

# dtype name -> (numpy dtype of the stored bytes, bytes per element). BF16 is stored as uint16 and
# widened to float32 on read (numpy has no bfloat16).
_DTYPES: Dict[str, Tuple[np.dtype, int]] = {
    "F64": (np.dtype("<f8"), 8),
    "F32": (np.dtype("<f4"), 4),
    "F16": (np.dtype("<f2"), 2),
    "BF16": (np.dtype("<u2"), 2),
    "I64": (np.dtype("<i8"), 8),
    "I32": (np.dtype("<i4"), 4),
    "I16": (np.dtype("<i2"), 2),
    "I8": (np.dtype("i1"), 1),
    "U8": (np.dtype("u1"), 1),
    "BOOL": (np.dtype("?"), 1),
}
_NUMPY_TO_NAME = {np.dtype("float64"): "F64", np.dtype("float32"): "F32", np.dtype("float16"): "F16",
                  np.dtype("int64"): "I64", np.dtype("int32"): "I32", np.dtype("int16"): "I16",
                  np.dtype("int8"): "I8", np.dtype("uint8"): "U8", np.dtype("bool"): "BOOL"}


class SafetensorsError(ValueError):
    """A .safetensors file (or a shard index) that cannot be read as the format describes."""


@dataclass(frozen=True)
class TensorEntry:
    """Where one tensor lives: its file, dtype name, shape and absolute byte range in the file."""
    path: str
    dtype: str
    shape: Tuple[int, ...]
    begin: int
    end: int


def read_header(path: str) -> Dict[str, TensorEntry]:
    """Parse and validate the header of one .safetensors file; returns name -> TensorEntry."""
    try:
        file_bytes = os.path.getsize(path)
        with open(path, "rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                raise SafetensorsError(f"{path}: {file_bytes} bytes is too short for a safetensors header length")
            (header_len,) = struct.unpack("<Q", prefix)
            if header_len > MAX_HEADER_BYTES:
                raise SafetensorsError(f"{path}: header of {header_len} bytes exceeds the {MAX_HEADER_BYTES}-byte limit")
            if 8 + header_len > file_bytes:
                raise SafetensorsError(f"{path}: header length {header_len} runs past the end of the {file_bytes}-byte file")
            raw = handle.read(header_len)
    except OSError as error:
        raise SafetensorsError(f"{path}: cannot read ({error.strerror})") from error
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SafetensorsError(f"{path}: header is not valid UTF-8 JSON ({error})") from error
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header must be a JSON object, got {type(header).__name__}")
    data_start = 8 + header_len
    data_bytes = file_bytes - data_start
    entries: Dict[str, TensorEntry] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        entries[name] = _parse_entry(path, name, info, data_start, data_bytes)
    _check_no_overlap(path, entries)
    return entries


def _parse_entry(path: str, name: str, info: object, data_start: int, data_bytes: int) -> TensorEntry:
    where = f"{path}: tensor {name!r}"
    if not isinstance(info, dict):
        raise SafetensorsError(f"{where}: entry must be an object")
    dtype = info.get("dtype")
    if dtype not in _DTYPES:
        raise SafetensorsError(f"{where}: dtype {dtype!r} is not one of {sorted(_DTYPES)}")
    shape = info.get("shape")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise SafetensorsError(f"{where}: shape {shape!r} must be a list of non-negative integers")
    offsets = info.get("data_offsets")
    if (not isinstance(offsets, list) or len(offsets) != 2
            or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)):
        raise SafetensorsError(f"{where}: data_offsets {offsets!r} must be [begin, end]")
    begin, end = offsets
    if not 0 <= begin <= end <= data_bytes:
        raise SafetensorsError(f"{where}: data_offsets [{begin}, {end}] are outside the {data_bytes} data bytes")
    expected = int(np.prod(shape, dtype=np.int64)) * _DTYPES[dtype][1]
    if end - begin != expected:
        raise SafetensorsError(f"{where}: data_offsets span {end - begin} bytes but {dtype} {shape} needs {expected}")
    return TensorEntry(path, dtype, tuple(shape), data_start + begin, data_start + end)


def _check_no_overlap(path: str, entries: Mapping[str, TensorEntry]) -> None:
    ordered = sorted(entries.items(), key=lambda item: (item[1].begin, item[1].end))
    for (name_a, a), (name_b, b) in zip(ordered, ordered[1:]):
        if b.begin < a.end:
            raise SafetensorsError(f"{path}: tensors {name_a!r} and {name_b!r} overlap "
                                   f"([{a.begin}, {a.end}) and [{b.begin}, {b.end}))")


class WidenedTensor:
    """A memory-mapped F16/BF16 tensor read as float32 only where it is indexed, so slicing a 2 GB
    bfloat16 table converts just the slice (np.asarray converts the whole tensor)."""

    def __init__(self, raw: np.memmap, dtype: str, shape: Tuple[int, ...]):
        self._raw, self._dtype, self.shape = raw.reshape(shape), dtype, shape

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, index) -> np.ndarray:
        return _widen(np.asarray(self._raw[index]), self._dtype)

    def __array__(self, dtype=None) -> np.ndarray:
        value = _widen(np.asarray(self._raw), self._dtype)
        return value if dtype is None else value.astype(dtype)


def _widen(stored: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == "BF16":
        return (stored.astype(np.uint32) << 16).view(np.float32)  # bfloat16 is the upper half of a float32
    return stored.astype(np.float32)


def load_tensor(entry: TensorEntry):
    """The tensor, memory-mapped: an array for F32 and integer dtypes, a WidenedTensor for F16/BF16."""
    stored, _ = _DTYPES[entry.dtype]
    count = int(np.prod(entry.shape, dtype=np.int64))
    if count == 0:
        return np.zeros(entry.shape, dtype=np.float32 if entry.dtype in ("F32", "F16", "BF16") else stored)
    raw = np.memmap(entry.path, dtype=stored, mode="r", offset=entry.begin, shape=(count,))
    if entry.dtype in ("BF16", "F16"):
        return WidenedTensor(raw, entry.dtype, entry.shape)
    return raw.reshape(entry.shape)


class Checkpoint:
    """The tensors of one component folder: a single .safetensors file or a sharded set with an index."""

    def __init__(self, entries: Dict[str, TensorEntry], description: str):
        self.entries = entries
        self.description = description

    def keys(self) -> List[str]:
        return sorted(self.entries)

    def file_of(self, key: str) -> str:
        return self.entries[key].path

    def shape(self, key: str) -> Tuple[int, ...]:
        return self.entries[key].shape

    def tensor(self, key: str) -> np.ndarray:
        return load_tensor(self.entries[key])


def open_single(path: str) -> Checkpoint:
    return Checkpoint(read_header(path), path)


def open_sharded(index_path: str) -> Checkpoint:
    """Open a sharded checkpoint from its `*.safetensors.index.json` (the `weight_map` names each key's shard)."""
    try:
        with open(index_path, "r", encoding="utf-8") as handle:
            index = json.load(handle)
    except (OSError, json.JSONDecodeError) as error:
        raise SafetensorsError(f"{index_path}: cannot read the shard index ({error})") from error
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict) or not weight_map:
        raise SafetensorsError(f"{index_path}: needs a non-empty 'weight_map' object")
    folder = os.path.dirname(index_path)
    headers: Dict[str, Dict[str, TensorEntry]] = {}
    entries: Dict[str, TensorEntry] = {}
    for key, shard in weight_map.items():
        if not isinstance(shard, str) or os.path.basename(shard) != shard:
            raise SafetensorsError(f"{index_path}: weight_map[{key!r}] = {shard!r} must be a file name in the same folder")
        if shard not in headers:
            shard_path = os.path.join(folder, shard)
            if not os.path.isfile(shard_path):
                raise SafetensorsError(f"{index_path}: shard {shard!r} (for {key!r}) does not exist")
            headers[shard] = read_header(shard_path)
        if key not in headers[shard]:
            raise SafetensorsError(f"{index_path}: weight_map puts {key!r} in {shard!r}, whose header lacks it")
        entries[key] = headers[shard][key]
    for shard, header in headers.items():
        for key in header:
            if key not in weight_map:
                raise SafetensorsError(f"{index_path}: shard {shard!r} holds {key!r}, which the weight_map does not list")
    return Checkpoint(entries, index_path)


def write_file(path: str, tensors: Iterable[Tuple[str, np.ndarray]], dtype: str = "F32",
               metadata: Mapping[str, str] | None = None) -> None:
    """Write tensors (name, array) as one .safetensors file; float arrays are stored as `dtype` (F32/F16/BF16)."""
    arrays = {name: np.ascontiguousarray(array) for name, array in tensors}
    entries = [(name, array.shape, dtype if array.dtype.kind == "f" else _NUMPY_TO_NAME[array.dtype])
               for name, array in arrays.items()]
    write_file_streaming(path, entries, lambda name: [arrays[name]], metadata)


def write_file_streaming(path: str, entries: List[Tuple[str, Tuple[int, ...], str]],
                         slices: Callable[[str], Iterable[np.ndarray]],
                         metadata: Mapping[str, str] | None = None) -> None:
    """Write tensors given as (name, shape, dtype name), each produced by `slices(name)` as consecutive
    row-major pieces, so a tensor larger than memory can be written piece by piece."""
    header: Dict[str, object] = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name, shape, dtype in entries:
        if dtype not in _DTYPES:
            raise SafetensorsError(f"cannot write {name!r} as {dtype!r}; use one of {sorted(_DTYPES)}")
        size = int(np.prod(shape, dtype=np.int64)) * _DTYPES[dtype][1]
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)  # keeps the data 8-byte aligned, as the reference writer does
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(raw)))
        handle.write(raw)
        for name, shape, dtype in entries:
            written = 0
            for piece in slices(name):
                data = _to_storage(np.ascontiguousarray(piece), dtype)
                handle.write(data.tobytes())
                written += data.nbytes
            expected = header[name]["data_offsets"][1] - header[name]["data_offsets"][0]  # type: ignore[index]
            if written != expected:
                raise SafetensorsError(f"{path}: {name!r} produced {written} bytes, its shape needs {expected}")


def _to_storage(array: np.ndarray, dtype: str) -> np.ndarray:
    if dtype in ("F32", "F16", "BF16"):
        return _to_float_storage(array, dtype)
    return array.astype(_DTYPES[dtype][0])


def _to_float_storage(array: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == "F32":
        return array.astype("<f4")
    if dtype == "F16":
        return array.astype("<f2")
    if dtype == "BF16":
        bits = array.astype("<f4").view(np.uint32)
        rounded = bits + 0x7FFF + ((bits >> 16) & 1)  # round to nearest even
        return (rounded >> 16).astype("<u2")
    raise SafetensorsError(f"cannot store floats as {dtype!r}; use F32, F16 or BF16")


def write_sharded(folder: str, stem: str, entries: List[Tuple[str, Tuple[int, ...]]],
                  slices: Callable[[str], Iterable[np.ndarray]], shards: int, dtype: str = "F32") -> str:
    """Write float tensors (name, shape), produced piece by piece by `slices(name)`, over `shards` files
    named like the Hugging Face writer's, plus the `*.safetensors.index.json`; returns the index path."""
    names = [f"{stem}-{i + 1:05d}-of-{shards:05d}.safetensors" for i in range(shards)]
    weight_map: Dict[str, str] = {}
    total = 0
    for i, name in enumerate(names):
        part = entries[i::shards]
        write_file_streaming(os.path.join(folder, name), [(key, shape, dtype) for key, shape in part], slices)
        for key, shape in part:
            weight_map[key] = name
            total += int(np.prod(shape, dtype=np.int64)) * _DTYPES[dtype][1]
    index_path = os.path.join(folder, f"{stem}.safetensors.index.json")
    with open(index_path, "w", encoding="utf-8") as handle:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, handle, indent=2)
    return index_path
