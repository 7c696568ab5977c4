/**
 * Runs async jobs one after another. onnxruntime-web cannot run sessions concurrently on WebGPU, so
 * every `session.run` of a runner goes through one queue; Node uses it too so both behave alike.
 */
export class RunQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Starts `job` once every earlier job has settled; a failed job does not block later ones. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
