/** Calls a (possibly remote) callback without letting its failure or its promise affect the run. */
export function emit<T>(callback: ((value: T) => unknown) | undefined, value: T): void {
  if (!callback) return;
  try {
    const result = callback(value);
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // A closed page cannot receive progress; generation goes on regardless.
  }
}
