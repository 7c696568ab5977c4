/**
 * The one progress shape for every model-file download and cache load, told apart by `status` as in
 * transformers.js: `initiate` (a file is about to be fetched or read), `download` (its first byte
 * request is going out), `progress` (bytes arrived), `done` (the file is verified or read), `ready`
 * (the whole pack is usable). `loaded` never goes backwards within a file, even when a cut chunk is
 * fetched again, and `done` always has `loaded === total`.
 */
export type ModelProgressStatus = 'initiate' | 'download' | 'progress' | 'done' | 'ready';

/**
 * Where one file's bytes stand. The cache's events carry these fields, and the engine passes them on
 * unchanged as its `download` stage (src/engine/protocol.ts).
 */
export interface FileTransferProgress {
  /** The pack-relative path of the file; for `ready`, "manifest.json". */
  readonly file: string;
  /** Where the bytes come from: downloading (`network`) or reading installed files (`cache`). */
  readonly source: 'network' | 'cache';
  readonly loaded: number;
  readonly total: number;
  /** Bytes per second over the last few seconds; 0 until measurable. */
  readonly rate: number;
  /** Seconds left at `rate`; null while unknown. */
  readonly eta: number | null;
}

/** One event of a pack's download or cache read, told apart by `status` (above). */
export interface ModelProgress extends FileTransferProgress {
  readonly status: ModelProgressStatus;
  /** The pack's name (its id in the cache). */
  readonly pack: string;
}

export type ProgressCallback = (event: ModelProgress) => void;

/** Rate over a sliding window of samples, so a stall shows up within seconds. */
export class RateMeter {
  private readonly samples: { time: number; loaded: number }[] = [];

  constructor(private readonly windowMs = 3000) {}

  /** Records `loaded` bytes at `time` (ms) and returns bytes per second over the window. */
  sample(time: number, loaded: number): number {
    this.samples.push({ time, loaded });
    while (this.samples.length > 2 && time - this.samples[1]!.time >= this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const elapsed = time - first.time;
    return elapsed > 0 ? ((loaded - first.loaded) * 1000) / elapsed : 0;
  }
}

/** Seconds left to move `remaining` bytes at `rate` bytes/s; null when the rate is unknown. */
export function etaSeconds(remaining: number, rate: number): number | null {
  if (remaining <= 0) return 0;
  return rate > 0 ? remaining / rate : null;
}

/**
 * Emits one file's events: monotonic `loaded`, rate and ETA, and `progress` at most every
 * `intervalMs` so a fast cache read does not flood the UI (about 10 updates a second).
 */
export class FileProgress {
  private loaded = 0;
  private lastEmit = -Infinity;
  private readonly meter = new RateMeter();

  constructor(
    private readonly emit: ProgressCallback | undefined,
    private readonly base: { pack: string; file: string; source: 'network' | 'cache'; total: number },
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = 100,
  ) {}

  initiate(alreadyLoaded = 0): void {
    this.loaded = Math.min(alreadyLoaded, this.base.total);
    this.meter.sample(this.now(), this.loaded);
    this.send('initiate', 0);
  }

  download(): void {
    this.send('download', 0);
  }

  /** Reports bytes loaded so far (may dip below the previous value after a retry; the event will not). */
  update(loaded: number): void {
    this.loaded = Math.max(this.loaded, Math.min(loaded, this.base.total));
    const time = this.now();
    const rate = this.meter.sample(time, this.loaded);
    if (time - this.lastEmit < this.intervalMs) return;
    this.lastEmit = time;
    this.send('progress', rate);
  }

  done(): void {
    this.loaded = this.base.total;
    this.send('done', this.meter.sample(this.now(), this.loaded));
  }

  private send(status: ModelProgressStatus, rate: number): void {
    this.emit?.({ status, ...this.base, loaded: this.loaded, rate, eta: etaSeconds(this.base.total - this.loaded, rate) });
  }
}
