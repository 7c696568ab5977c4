/**
 * The reference for the browser's frames: the same pipeline and pack on onnxruntime-node. For the same
 * inputs and seed the backends differ by float rounding only (see generate.e2e.test.ts).
 */
import { DEFAULT_MODEL_DIR } from '../../cli/run';
import { createArchitecture } from '../../src/architectures/registry';
import { generateVideo, type ModeVideo, type VideoRequest } from '../../src/pipeline/videoModes';
import { readManifestFile } from '../../src/runtime/nodePack';
import { createNodeRunner } from '../../src/runtime/nodeRunner';

/**
 * Runs one generation in any mode with onnxruntime-node (one thread), on the built-in pack unless
 * `packDir` names another; `expandPrompt` expands the prompt first, once, as the app and the CLI do.
 */
export async function nodeVideo(request: VideoRequest & { readonly expandPrompt?: boolean }, packDir = DEFAULT_MODEL_DIR): Promise<ModeVideo> {
  const manifest = await readManifestFile(packDir);
  const runner = await createNodeRunner(packDir, manifest, { threads: 1 });
  try {
    const architecture = createArchitecture(manifest, runner);
    const { expandPrompt, ...settings } = request;
    const expansion = expandPrompt ? architecture.expandPrompt?.(request.prompt) : undefined;
    return await generateVideo(architecture, manifest, { ...settings, ...(expansion ? { expansion } : {}) });
  } finally {
    await runner.release();
  }
}
