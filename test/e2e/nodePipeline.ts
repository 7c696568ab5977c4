/**
 * The reference for the browser's frames: the same pipeline and pack on onnxruntime-node. For the same
 * inputs and seed the backends differ by float rounding only (see generate.e2e.test.ts).
 */
import { DEFAULT_MODEL_DIR } from '../../cli/run';
import { generateVideo, type ModeVideo, type VideoRequest } from '../../src/pipeline/videoModes';
import { readManifestFile } from '../../src/runtime/nodePack';
import { createNodeRunner } from '../../src/runtime/nodeRunner';

/** Runs one generation in any mode with onnxruntime-node (one thread), on the built-in pack unless `packDir` names another. */
export async function nodeVideo(request: VideoRequest, packDir = DEFAULT_MODEL_DIR): Promise<ModeVideo> {
  const manifest = await readManifestFile(packDir);
  const runner = await createNodeRunner(packDir, manifest, { threads: 1 });
  try {
    return await generateVideo(runner, manifest, request);
  } finally {
    await runner.release();
  }
}
