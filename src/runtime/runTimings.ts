/**
 * Where a generation's time goes inside the runtime: time in `session.run`, and time copying
 * tensors between GPU and CPU (WebGPU only). Runners report one `RunTiming` per graph run through
 * an optional hook; `RunTotals` adds them up for one generation. `npm run bench` reads the totals
 * to split end-to-end time into inference and pipeline overhead.
 */
/** One graph run, as a runner's `onRun` hook reports it. */
export interface RunTiming {
  /** The graph role that ran (a role the manifest declares). */
  readonly role: string;
  /** Inside `session.run` (on WebGPU: until the GPU finished the work). */
  readonly runMs: number;
  /** Writing inputs to GPU buffers and reading outputs back (0 on the CPU). */
  readonly copyMs: number;
}

/** Sums of the runs of one generation; plain data, structured-clone friendly. */
export interface RunTotalsData {
  readonly runs: number;
  readonly runMs: number;
  readonly copyMs: number;
  /** runMs by graph. */
  readonly byRole: Readonly<Record<string, number>>;
}

export class RunTotals {
  private runs = 0;
  private runMs = 0;
  private copyMs = 0;
  private readonly byRole: Record<string, number> = {};

  readonly add = (timing: RunTiming): void => {
    this.runs += 1;
    this.runMs += timing.runMs;
    this.copyMs += timing.copyMs;
    this.byRole[timing.role] = (this.byRole[timing.role] ?? 0) + timing.runMs;
  };

  data(): RunTotalsData {
    return { runs: this.runs, runMs: this.runMs, copyMs: this.copyMs, byRole: { ...this.byRole } };
  }
}
