/**
 * The Models panel's state and actions on the page: installed packs, downloads in flight (from this
 * page or from the engine worker, told apart by nothing: every store announces its progress on a
 * BroadcastChannel), and the last error per pack. A small external store for React's
 * `useSyncExternalStore`, so the panel holds no storage logic of its own.
 */
import { formatBytes } from '../lib/formatBytes';
import { PackRequirementsError } from './errors';
import type { FetchedManifest } from './manifestFetch';
import type { InstallOptions, ModelStore, PackInfo, StoreAnnouncement } from './modelStore';
import { MODELS_CHANNEL } from './modelStore';
import { readPackFolder, type OpenedFolder, type PackFolder } from './packFolder';
import type { ModelProgress } from './progress';
import { requestPersistence } from './quota';
import { packProblems, probeDeviceLimits, type DeviceLimits } from './requirements';

/** A pack's download as the panel shows it: summed over its files. */
export interface DownloadView {
  readonly loaded: number;
  readonly total: number;
  /** Bytes per second, summed over files in flight. */
  readonly rate: number;
  readonly eta: number | null;
  readonly file: string;
  readonly source: 'network' | 'cache';
  readonly done: boolean;
}

export interface ModelsError {
  readonly code: string;
  readonly message: string;
}

export interface ModelsSnapshot {
  readonly packs: readonly PackInfo[];
  readonly downloads: Readonly<Record<string, DownloadView>>;
  /** Packs with an action of this page in flight (install, resume, verify, delete). */
  readonly busy: Readonly<Record<string, 'installing' | 'verifying' | 'deleting'>>;
  readonly errors: Readonly<Record<string, ModelsError>>;
  /** The "Add model from URL" form. */
  readonly adding: boolean;
  readonly addError: ModelsError | null;
  /** "Open pack folder": the folder being read and checked, and why the last one was refused. */
  readonly opening: boolean;
  readonly folderError: ModelsError | null;
  readonly usage: { readonly usedBytes: number; readonly persisted: boolean | null } | null;
}

const EMPTY: ModelsSnapshot = { packs: [], downloads: {}, busy: {}, errors: {}, adding: false, addError: null, opening: false, folderError: null, usage: null };

/** Snapshot updates at most this often while bytes stream (about 10 a second). */
const PUBLISH_INTERVAL_MS = 100;

export class ModelsController {
  private snapshot: ModelsSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private readonly files = new Map<string, Map<string, ModelProgress>>();
  private readonly controllers = new Map<string, AbortController>();
  private channel: BroadcastChannel | null = null;
  private publishTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(
    readonly store: ModelStore,
    private readonly installDefaults: InstallOptions = {},
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  };

  getSnapshot = (): ModelsSnapshot => this.snapshot;

  /** Re-reads the installed packs and the storage use. */
  async refresh(): Promise<void> {
    const [packs, usage] = await Promise.all([this.store.list(), storageUsage()]);
    this.set({ packs, usage });
  }

  /** Validates the manifest at `url` and the pack's needs against this device, then installs it. */
  async add(url: string): Promise<void> {
    this.set({ adding: true, addError: null });
    let fetched: FetchedManifest;
    let limits: DeviceLimits;
    try {
      [fetched, limits] = await Promise.all([this.store.fetchManifest(url, { retry: 'press Add again' }), probeDeviceLimits()]);
      const problems = packProblems(fetched.manifest, limits);
      if (problems.length > 0) throw new PackRequirementsError(problems);
    } catch (error) {
      this.set({ adding: false, addError: errorView(error) });
      return;
    }
    this.set({ adding: false });
    await requestPersistence();
    await this.run(fetched.manifest.name, 'installing', (signal) => this.store.install(fetched.url, { ...this.installDefaults, signal, limits }));
  }

  /**
   * Reads an opened pack folder (manifest, every file's presence and size) and checks the pack's
   * needs against this device and the storage quota before a byte is copied; then copies it into
   * the cache with each chunk and file verified. Cancel with `pause`.
   */
  async openFolder(folder: OpenedFolder): Promise<void> {
    this.set({ opening: true, folderError: null });
    let pack: PackFolder;
    let limits: DeviceLimits;
    try {
      [pack, limits] = await Promise.all([readPackFolder(folder), probeDeviceLimits()]);
      const problems = packProblems(pack.fetched.manifest, limits);
      if (problems.length > 0) throw new PackRequirementsError(problems);
    } catch (error) {
      this.set({ opening: false, folderError: errorView(error) });
      return;
    }
    this.set({ opening: false });
    await requestPersistence();
    await this.run(pack.fetched.manifest.name, 'installing', (signal) => this.store.importFolder(pack, { ...this.installDefaults, signal, limits }), 'folderError');
  }

  /** Shows why a folder could not be opened at all (the picker failed, or nothing was dropped). */
  folderRefused(error: ModelsError): void {
    this.set({ folderError: error });
  }

  /** Continues a partial or corrupt pack. */
  resume(name: string): Promise<void> {
    return this.run(name, 'installing', async (signal) => this.store.resume(name, { ...this.installDefaults, signal, limits: await probeDeviceLimits() }));
  }

  /** Stops a download this page started; what is stored stays for Resume. */
  pause(name: string): void {
    this.controllers.get(name)?.abort();
  }

  verify(name: string): Promise<void> {
    return this.run(name, 'verifying', () => this.store.verify(name));
  }

  remove(name: string): Promise<void> {
    return this.run(name, 'deleting', () => this.store.delete(name));
  }

  /** `orphanError`: where a failure shows when the pack has no row (refused before anything was stored). */
  private async run(
    name: string,
    kind: 'installing' | 'verifying' | 'deleting',
    action: (signal: AbortSignal) => Promise<unknown>,
    orphanError: 'addError' | 'folderError' = 'addError',
  ): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(name, controller);
    this.set({ busy: { ...this.snapshot.busy, [name]: kind }, errors: without(this.snapshot.errors, name) });
    let failure: ModelsError | null = null;
    try {
      await action(controller.signal);
    } catch (error) {
      failure = errorView(error);
    } finally {
      this.controllers.delete(name);
      this.files.delete(name);
      this.set({ busy: without(this.snapshot.busy, name), downloads: without(this.snapshot.downloads, name) });
      await this.refresh();
    }
    if (!failure) return;
    // A pack refused before anything was stored has no row to show its error: show it by the control that started it.
    if (this.snapshot.packs.some((p) => p.name === name)) this.set({ errors: { ...this.snapshot.errors, [name]: failure } });
    else this.set({ [orphanError]: failure });
  }

  private start(): void {
    if (typeof BroadcastChannel !== 'undefined') {
      this.channel = new BroadcastChannel(MODELS_CHANNEL);
      this.channel.onmessage = (message: MessageEvent<StoreAnnouncement>) => this.onAnnouncement(message.data);
    }
    void this.refresh();
  }

  private stop(): void {
    this.channel?.close();
    this.channel = null;
  }

  private onAnnouncement(message: StoreAnnouncement): void {
    if (message.type === 'changed') {
      this.files.delete(message.pack);
      this.set({ downloads: without(this.snapshot.downloads, message.pack) });
      void this.refresh();
      return;
    }
    const { event } = message;
    if (event.status === 'ready') return;
    const files = this.files.get(event.pack) ?? new Map<string, ModelProgress>();
    files.set(event.file, event);
    this.files.set(event.pack, files);
    // A pack being installed for the first time gets its row as soon as its records exist.
    if (!this.refreshing && !this.snapshot.packs.some((p) => p.name === event.pack)) {
      this.refreshing = this.refresh().finally(() => (this.refreshing = null));
    }
    this.schedulePublish();
  }

  private schedulePublish(): void {
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      const downloads: Record<string, DownloadView> = {};
      for (const [pack, files] of this.files) {
        const info = this.snapshot.packs.find((p) => p.name === pack);
        downloads[pack] = summarize(files, info);
      }
      this.set({ downloads });
    }, PUBLISH_INTERVAL_MS);
  }

  private set(patch: Partial<ModelsSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}

/** Sums a pack's per-file events into one bar: bytes of every file (stored or arriving), rate and ETA of those in flight. */
export function summarize(files: ReadonlyMap<string, ModelProgress>, info: PackInfo | undefined): DownloadView {
  let loaded = 0;
  let rate = 0;
  let current: ModelProgress | undefined;
  for (const event of files.values()) {
    loaded += event.loaded;
    if (event.status !== 'done') {
      rate += event.rate;
      current = event;
    }
  }
  // Files not announced yet count with what is already stored.
  for (const file of info?.files ?? []) if (!files.has(file.path)) loaded += file.storedBytes;
  const total = info?.totalBytes ?? [...files.values()].reduce((sum, e) => sum + e.total, 0);
  const last = current ?? [...files.values()].at(-1);
  return {
    loaded,
    total,
    rate,
    eta: rate > 0 ? (total - loaded) / rate : loaded >= total ? 0 : null,
    file: last?.file ?? '',
    source: last?.source ?? 'network',
    done: current === undefined,
  };
}

/** "1.2 MB of 2.8 MB · 3.4 MB/s · 1 s left" */
export function describeDownload(view: DownloadView): string {
  const parts = [`${formatBytes(view.loaded)} of ${formatBytes(view.total)}`];
  if (view.rate > 0) parts.push(`${formatBytes(view.rate)}/s`);
  if (view.eta !== null && view.eta > 0) parts.push(`${formatDuration(view.eta)} left`);
  return parts.join(' · ');
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

function errorView(error: unknown): ModelsError {
  const e = error as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : 'internal', message: typeof e?.message === 'string' ? e.message : String(error) };
}

function without<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

async function storageUsage(): Promise<ModelsSnapshot['usage']> {
  const storage = (globalThis.navigator as { storage?: StorageManager } | undefined)?.storage;
  if (!storage?.estimate) return null;
  const [estimate, persisted] = await Promise.all([storage.estimate().catch(() => null), storage.persisted?.().catch(() => null) ?? null]);
  return { usedBytes: estimate?.usage ?? 0, persisted };
}
