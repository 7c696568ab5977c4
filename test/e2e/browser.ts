import { chromium, type Browser } from 'playwright-core';

/** The Chromium binary the e2e tests drive; override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags measured in shared/TESTING.md: the networking ones stop Chromium calling hosts the closed
 * network refuses; `--enable-unsafe-webgpu` exposes the SwiftShader WebGPU adapter headless.
 */
export const CHROMIUM_ARGS = [
  '--disable-quic',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
];

/**
 * Launches headless Debian Chromium with the flags above (never downloads a browser).
 * `webgpu: false` leaves out `--enable-unsafe-webgpu`, so the page gets no WebGPU adapter.
 */
export function launchChromium(extraArgs: readonly string[] = [], options: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = options.webgpu === false ? CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu') : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...args, ...extraArgs] });
}
