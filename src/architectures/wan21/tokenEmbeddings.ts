/**
 * umT5's token embedding table, kept in the pack as an int8 row file (`tokenEmbeddings`) rather than
 * a graph input: the real table is 256,384 × 4,096, about 1 GiB at int8, more than a GPU buffer or
 * a browser's ArrayBuffer should hold, and a prompt needs a few dozen rows of it. The file is
 * `vocabSize` float32 little-endian row scales, then `vocabSize` rows of `embedDim` int8
 * (symmetric per row: value = int8 · scale[row]). Only the scales (4 bytes a row) and the rows a
 * prompt names are read, through the data-file port.
 */
import type { PackData } from '../../pipeline/packData';
import { PipelineError } from '../../pipeline/errors';

/** The role of the row file in a wan2.1 pack. */
export const TOKEN_EMBEDDINGS_ROLE = 'tokenEmbeddings';

export interface TokenEmbeddingTable {
  /** The rows of `ids`, dequantised, as [ids.length, embedDim] float32. */
  rows(ids: readonly number[]): Promise<Float32Array>;
}

/** The table of a pack's row file; nothing is read until the first `rows`. */
export function tokenEmbeddingTable(data: PackData, vocabSize: number, embedDim: number): TokenEmbeddingTable {
  let scales: Promise<Float32Array> | null = null;
  const readScales = async () => {
    const bytes = await data.readData(TOKEN_EMBEDDINGS_ROLE, 0, 4 * vocabSize);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Float32Array.from({ length: vocabSize }, (_, i) => view.getFloat32(4 * i, true));
  };

  return {
    async rows(ids) {
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
          throw new PipelineError('model-output', `the tokenizer gave id ${id}, outside the embedding table's ${vocabSize} rows`);
        }
      }
      scales ??= readScales();
      // A failed read is not remembered: the next prompt reads the scales again.
      const rowScales = await scales.catch((error: unknown) => {
        scales = null;
        throw error;
      });
      const out = new Float32Array(ids.length * embedDim);
      const read = new Map<number, Promise<Int8Array>>();
      const rowOf = (id: number) => {
        let row = read.get(id);
        if (!row) {
          row = data.readData(TOKEN_EMBEDDINGS_ROLE, 4 * vocabSize + id * embedDim, embedDim).then((b) => new Int8Array(b.buffer, b.byteOffset, b.byteLength));
          read.set(id, row);
        }
        return row;
      };
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const values = await rowOf(id);
        const scale = rowScales[id]!;
        for (let j = 0; j < embedDim; j++) out[i * embedDim + j] = values[j]! * scale;
      }
      return out;
    },
  };
}
