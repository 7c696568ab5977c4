/**
 * The architectures a pack may name (manifest `architecture`) and the graph roles each one's pack
 * provides. The manifest parser checks a pack's files against its architecture's roles before anything
 * is downloaded, so this declaration is part of the pack format; the code that runs each architecture
 * lives in src/architectures/<name>/ and is found by the same name (src/architectures/registry.ts,
 * whose table the type checker holds to exactly these names).
 */
const PACK_ARCHITECTURES = Object.freeze({
  /** Word tokenizer + text encoder, a DiT over spacetime patches, a causal video autoencoder. */
  'tessera-tiny': { roles: ['textEncoder', 'dit', 'vaeDecoder', 'vaeEncoder'] },
} as const satisfies Record<string, { readonly roles: readonly string[] }>);

/** An architecture name a pack may give. */
export type ArchitectureName = keyof typeof PACK_ARCHITECTURES;

export const ARCHITECTURE_NAMES = Object.freeze(Object.keys(PACK_ARCHITECTURES) as ArchitectureName[]);

/** What formatVersion 1 packs are: they predate the `architecture` key and all hold tessera-tiny's four graphs. */
export const FORMAT_1_ARCHITECTURE: ArchitectureName = 'tessera-tiny';

/** The graph roles a pack of `architecture` must provide, one file each. */
export function rolesOf(architecture: ArchitectureName): readonly string[] {
  return PACK_ARCHITECTURES[architecture].roles;
}
