/**
 * The one map from a manifest's `architecture` to the code that runs it. Adding an architecture is a
 * folder beside tessera-tiny/ and one line here (docs/architecture.md, "Adding an architecture");
 * the table's type makes it cover exactly the names the manifest parser accepts
 * (src/models/packArchitectures.ts), so a parsed pack always has an implementation.
 */
import type { ArchitectureName, Manifest } from '../models/manifest';
import type { Architecture } from '../pipeline/architecture';
import type { ModelRunner } from '../pipeline/modelRunner';
import { tesseraTiny } from './tessera-tiny/tesseraTiny';

const ARCHITECTURES: Readonly<Record<ArchitectureName, (manifest: Manifest, runner: ModelRunner) => Architecture>> = Object.freeze({
  'tessera-tiny': tesseraTiny,
});

/** The pack's architecture, running its graphs on `runner` (a runner of the same pack). */
export function createArchitecture(manifest: Manifest, runner: ModelRunner): Architecture {
  return ARCHITECTURES[manifest.architecture](manifest, runner);
}
