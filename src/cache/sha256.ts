/**
 * SHA-256: WebCrypto for whole buffers (fast, native), and hash-wasm's WebAssembly hasher for files
 * that arrive as several chunks. WebCrypto has no incremental digest, and assembling a multi-GB file
 * to hash it would hold it twice in memory; hash-wasm's saved state (`Sha256State`) is small and is
 * stored with the download, so a resumed download continues the hash without re-reading its chunks.
 */
import { createSHA256, type IHasher } from 'hash-wasm';

/** Lower-case hex sha256 of `bytes` through WebCrypto. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const view = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  const digest = await crypto.subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

/** The resumable state of a streaming hash: hash-wasm's snapshot, storable in IndexedDB. */
export type Sha256State = Uint8Array;

/** Streaming SHA-256 whose state can be saved and restored between chunks. */
export class StreamingSha256 {
  private constructor(private readonly hasher: IHasher) {}

  static async create(): Promise<StreamingSha256> {
    const hasher = await createSHA256();
    hasher.init();
    return new StreamingSha256(hasher);
  }

  /**
   * Continues from a stored state; null when `state` is not one this build can load: a record
   * written by the earlier hand-written hasher (`{h, length, tail}`), or a snapshot from another
   * hash-wasm build (it refuses those). The caller then hashes the file again from its stored chunks.
   */
  static async resume(state: unknown): Promise<StreamingSha256 | null> {
    if (!ArrayBuffer.isView(state)) return null;
    const hasher = await createSHA256();
    try {
      hasher.load(new Uint8Array(state.buffer, state.byteOffset, state.byteLength));
    } catch {
      return null;
    }
    return new StreamingSha256(hasher);
  }

  /** Feeds `bytes`; returns this for chaining. */
  update(bytes: Uint8Array): this {
    this.hasher.update(bytes);
    return this;
  }

  /**
   * Feeds `bytes` in 1 MiB slices, letting other tasks run between them: the Models panel copies
   * on the page's main thread, and one 16 MiB update would hold it for 100-300 ms at a time.
   */
  async updateInSlices(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
      if (at > 0) await yieldToOtherTasks();
      this.hasher.update(bytes.subarray(at, at + SLICE_BYTES));
    }
  }

  /** The state to store and resume from. */
  state(): Sha256State {
    return this.hasher.save();
  }

  /** Lower-case hex digest; the hasher itself is left unchanged (a digest ends hash-wasm's state, so it is reloaded). */
  hex(): string {
    const saved = this.hasher.save();
    const hex = this.hasher.digest('hex');
    this.hasher.load(saved);
    return hex;
  }
}

const SLICE_BYTES = 1024 * 1024;

/** A macrotask boundary without setTimeout's 4 ms clamp on nested timers. */
function yieldToOtherTasks(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      port2.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
