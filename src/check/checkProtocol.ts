/**
 * "Check a video": does a file carry Tessera's invisible watermark, and what provenance metadata does
 * it hold? Types only, shared by the check worker (checkMedia.ts) and its main-thread client
 * (checkClient.ts). Everything here is plain, structured-cloneable data.
 */
import type { ProvenanceRecord } from '../safety/provenance';

/** A file as the user picked or dropped it. */
export interface CheckFile {
  readonly name: string;
  /** The MIME type the browser reported ('' when unknown). */
  readonly type: string;
  readonly bytes: ArrayBuffer;
}

/** What the check found. */
export interface CheckReport {
  readonly kind: 'video' | 'image';
  /** The frames' size as decoded. */
  readonly width: number;
  readonly height: number;
  /** Frames averaged by the detector (at most 64, evenly spaced). */
  readonly framesChecked: number;
  /** The watermark detector's verdict: the corrected p-value is at most 10⁻⁴. */
  readonly watermark: boolean;
  /** 1 − the corrected p-value, 0..1 (as `npm run check` prints it). */
  readonly confidence: number;
  /** The mark's 32-bit payload when it was read with a valid checksum. */
  readonly payload: number | null;
  /** Tessera's provenance record from the MP4 `comment` tag or the PNG `tessera` chunk; null when none. */
  readonly metadata: (ProvenanceRecord & { prompt?: string; negativePrompt?: string }) | null;
}

/** Why a file could not be checked; the message says it in words a person can act on. */
export type CheckErrorCode =
  /** Not a video or image type the check reads. */
  | 'unsupported-format'
  /** Damaged, empty, or not what its name says. */
  | 'unreadable'
  /** This browser has no decoder for the file's codec. */
  | 'decoder-missing'
  /** More pixels than the check decodes (src/input/mediaLimits.ts); refused from the file's header. */
  | 'too-large';

export type CheckOutcome =
  | { readonly ok: true; readonly report: CheckReport }
  | { readonly ok: false; readonly code: CheckErrorCode; readonly message: string };

/** What the check worker exposes over comlink. Expected failures come back as outcomes, never as thrown errors. */
export interface CheckWorkerApi {
  check(file: CheckFile): Promise<CheckOutcome>;
}
