/**
 * Backend and device types: where sessions run and why. Types only, below both the runtime (which
 * chooses the device) and the engine protocol (which re-exports them to the page), so the runtime
 * never imports from the engine.
 */

/** Where sessions run. */
export type Backend = 'webgpu' | 'wasm';
/** What the user (or a URL flag) asked for; `auto` = WebGPU when a suitable adapter exists. */
export type BackendPreference = 'auto' | Backend;

/** Why the engine is not on WebGPU although `auto` (or `webgpu`) was asked for. */
export type FallbackCode =
  | 'no-webgpu-api'
  | 'no-adapter'
  | 'needs-shader-f16'
  | 'limits-too-small'
  | 'session-failed'
  | 'device-lost'
  | 'user-choice';

export interface BackendFallback {
  readonly code: FallbackCode;
  /** One sentence for the notice in the UI. */
  readonly message: string;
}

/** The backend in use and why; shown as a badge (and a notice when `fallback` is set). */
export interface BackendInfo {
  readonly backend: Backend;
  /** e.g. "google swiftshader (SwiftShader Device (Subzero))"; null on WASM. */
  readonly adapter: string | null;
  /** A software adapter (SwiftShader, WARP): correct but slow. */
  readonly isFallbackAdapter: boolean;
  readonly shaderF16: boolean;
  /** WASM threads (1 when the page is not cross-origin isolated). */
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
  /** Why this backend, in words. */
  readonly reason: string;
  readonly fallback: BackendFallback | null;
}
