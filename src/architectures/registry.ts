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
import { wan21 } from './wan21/wan21';

/** Each architecture's factory takes the manifest of its own kind. */
type Factories = { readonly [A in ArchitectureName]: (manifest: Extract<Manifest, { architecture: A }>, runner: ModelRunner) => Architecture };

const ARCHITECTURES: Factories = Object.freeze({
  'tessera-tiny': tesseraTiny,
  'wan2.1': wan21,
});

/** The pack's architecture, running its graphs on `runner` (a runner of the same pack; its `data` port for packs with data files). */
export function createArchitecture(manifest: Manifest, runner: ModelRunner): Architecture {
  // The table is keyed by the manifest's own discriminant, so the factory found takes this manifest.
  const create = ARCHITECTURES[manifest.architecture] as (manifest: Manifest, runner: ModelRunner) => Architecture;
  return create(manifest, runner);
}
