/**
 * The architectures a pack may name (manifest `architecture`) and the files each one's pack
 * provides: graph roles (ONNX graphs a runner makes sessions of, with their external data) and data
 * roles (plain files the architecture itself reads, such as a tokenizer or an embedding table). The
 * manifest parser checks a pack's files against its architecture's roles before anything is
 * downloaded, so this declaration is part of the pack format; the code that runs each architecture
 * lives in src/architectures/<name>/ and is found by the same name (src/architectures/registry.ts,
 * whose table the type checker holds to exactly these names).
 */
const PACK_ARCHITECTURES = Object.freeze({
  /** Word tokenizer + text encoder, a DiT over spacetime patches, a causal video autoencoder. */
  'tessera-tiny': { graphs: ['textEncoder', 'dit', 'vaeDecoder', 'vaeEncoder'], data: [] },
  /**
   * Wan2.1: umT5 text encoder fed with embedding rows gathered in TypeScript, a DiT with 3-D RoPE,
   * and a streaming causal VAE decoder (a first-chunk graph, then a step graph carrying its cache).
   */
  'wan2.1': { graphs: ['textEncoder', 'dit', 'vaeDecoderFirst', 'vaeDecoderStep'], data: ['tokenizer', 'tokenEmbeddings'] },
} as const satisfies Record<string, { readonly graphs: readonly string[]; readonly data: readonly string[] }>);

/** An architecture name a pack may give. */
export type ArchitectureName = keyof typeof PACK_ARCHITECTURES;

export const ARCHITECTURE_NAMES = Object.freeze(Object.keys(PACK_ARCHITECTURES) as ArchitectureName[]);

/** What formatVersion 1 packs are: they predate the `architecture` key and all hold tessera-tiny's four graphs. */
export const FORMAT_1_ARCHITECTURE: ArchitectureName = 'tessera-tiny';

/** The graph roles a pack of `architecture` must provide, one file each (plus their external data). */
export function rolesOf(architecture: ArchitectureName): readonly string[] {
  return PACK_ARCHITECTURES[architecture].graphs;
}

/** The data roles a pack of `architecture` must provide, one file each, read by the architecture itself. */
export function dataRolesOf(architecture: ArchitectureName): readonly string[] {
  return PACK_ARCHITECTURES[architecture].data;
}
