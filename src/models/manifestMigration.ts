/**
 * Older manifest formats read as the current one. formatVersion 1 predates the `architecture` key: every
 * pack published in it (the built-in packs, packs added by URL and kept in the cache) is tessera-tiny,
 * with tessera-tiny's four graph roles, and has every other field as format 2 has it. Migrating on read
 * leaves published packs and their hashes untouched.
 */
import { describeValue } from './describeValue';
import { ManifestError } from './manifestError';
import type { Node } from './manifestReader';
import { FORMAT_1_ARCHITECTURE } from './packArchitectures';

/** The format versions this reader knows: the current one and those it migrates. */
const KNOWN_FORMAT_VERSIONS = [1, 2] as const;

/**
 * The manifest's root object in the current format (2).
 * @throws ManifestError `unsupported-version` for a version this reader does not know
 */
export function migrateToCurrent(root: Node): Node {
  const version = root.value.formatVersion;
  if (version === 2) return root;
  if (version === 1) return migrateFormat1(root);
  throw new ManifestError('unsupported-version', 'formatVersion', `got ${describeValue(version)}, this reader knows ${KNOWN_FORMAT_VERSIONS.join(' and ')}`);
}

/** Format 1 → 2: the architecture is tessera-tiny; nothing else changes. */
function migrateFormat1(root: Node): Node {
  if (Object.hasOwn(root.value, 'architecture')) {
    throw new ManifestError(
      'invalid-value',
      'architecture',
      `formatVersion 1 has no architecture key (its packs are ${FORMAT_1_ARCHITECTURE}); a pack that names its architecture is formatVersion 2`,
    );
  }
  return { path: root.path, value: { ...root.value, formatVersion: 2, architecture: FORMAT_1_ARCHITECTURE } };
}
