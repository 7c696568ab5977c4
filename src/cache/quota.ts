/** Storage quota before a download, and persistence so the browser does not evict installed packs. */
import { formatBytes } from '../lib/formatBytes';
import { StorageQuotaError } from './errors';

/** Head-room on top of the bytes themselves: IndexedDB's own records and the estimate's lag. */
const QUOTA_MARGIN = 1.05;

interface StorageManagerLike {
  estimate?(): Promise<{ usage?: number; quota?: number }>;
  persist?(): Promise<boolean>;
  persisted?(): Promise<boolean>;
}

function storage(): StorageManagerLike | undefined {
  return (globalThis.navigator as { storage?: StorageManagerLike } | undefined)?.storage;
}

/**
 * Refuses a download of `neededBytes` that the origin's quota cannot take, saying how much is
 * needed, how much is free and what to free. Passes where the browser gives no estimate.
 */
export async function checkQuota(neededBytes: number, pack: string): Promise<void> {
  if (neededBytes <= 0) return;
  const estimate = await storage()?.estimate?.().catch(() => undefined);
  if (!estimate || estimate.quota === undefined) return;
  const available = Math.max(0, estimate.quota - (estimate.usage ?? 0));
  if (neededBytes * QUOTA_MARGIN <= available) return;
  throw new StorageQuotaError(
    'quota',
    `Not enough storage for "${pack}": it needs ${formatBytes(neededBytes)} more, but the browser allows this site only ` +
      `${formatBytes(available)} more (${formatBytes(estimate.usage ?? 0)} used of ${formatBytes(estimate.quota)}). ` +
      `Free at least ${formatBytes(neededBytes * QUOTA_MARGIN - available)}: delete packs you do not use in the Models panel, ` +
      'free disk space, or leave private browsing (which allows far less).',
    neededBytes,
    available,
  );
}

/**
 * Asks the browser to keep this origin's storage under pressure. Returns whether it is persisted;
 * null where the API is missing (workers have `estimate` but not `persist`).
 */
export async function requestPersistence(): Promise<boolean | null> {
  const manager = storage();
  if (!manager?.persist) return null;
  try {
    if (await manager.persisted?.()) return true;
    return await manager.persist();
  } catch {
    return null;
  }
}
