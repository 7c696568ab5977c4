"""The umT5 embedding table as Tessera's int8 row file (`token_embeddings.bin`).

Layout: V float32 little-endian row scales (4·V bytes), then V rows of `embedDim` int8, symmetric per
row: value = int8 · scale[row]. The TypeScript side reads only the rows of a prompt's tokens, so the
1.05B-entry table of the real model never becomes one GPU buffer. Rows are converted in slices from
the memory-mapped checkpoint, so the table never sits in memory whole either.
"""
from __future__ import annotations

import numpy as np

ROWS_PER_SLICE = 4096


def quantize_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 rows, float32 scales) with scale = max|row| / 127 (1 for an all-zero row)."""
    rows = np.asarray(rows, dtype=np.float32)
    scales = np.abs(rows).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    codes = np.clip(np.rint(rows / scales[:, None]), -127, 127).astype(np.int8)
    return codes, scales.astype("<f4")


def write_row_file(path: str, table: np.ndarray) -> float:
    """Write `table` [V, D] as a row file; returns the largest relative row error |row - dequant| / |row|."""
    vocab = table.shape[0]
    worst = 0.0
    with open(path, "wb") as handle:
        handle.truncate(4 * vocab + table.shape[0] * table.shape[1])
        for start in range(0, vocab, ROWS_PER_SLICE):
            rows = np.asarray(table[start:start + ROWS_PER_SLICE], dtype=np.float32)
            codes, scales = quantize_rows(rows)
            handle.seek(4 * start)
            handle.write(scales.tobytes())
            handle.seek(4 * vocab + start * table.shape[1])
            handle.write(codes.tobytes())
            error = np.linalg.norm(codes * scales[:, None] - rows, axis=1) / np.maximum(np.linalg.norm(rows, axis=1), 1e-30)
            worst = max(worst, float(error.max()))
    return worst


def read_rows(path: str, vocab: int, dim: int, ids) -> np.ndarray:
    """The dequantised rows of `ids` (what the TypeScript reader computes), for tests and golden values."""
    scales = np.fromfile(path, dtype="<f4", count=vocab)
    codes = np.memmap(path, dtype=np.int8, mode="r", offset=4 * vocab, shape=(vocab, dim))
    ids = np.asarray(ids)
    return codes[ids].astype(np.float32) * scales[ids][:, None]
