/**
 * A pack's sessions by graph role, made on first use and kept as the pack's memory plan says
 * (manifest `runtime.memoryPlan`): `resident` keeps every session once made; `sequential` keeps one
 * at a time, releasing the one it holds before making the next (text encoder, release, DiT,
 * release, decoder), so the peak is the largest graph instead of their sum. Both runners (web and
 * Node) hold their sessions here; the pool knows nothing of onnxruntime. Callers serialize access
 * (RunQueue): `acquire` is never called while another `acquire` is in flight.
 */
import type { MemoryPlan } from '../models/manifest';

/** How the pool makes and frees one session. */
export interface SessionFactory<S> {
  create(role: string): Promise<S>;
  release(session: S, role: string): Promise<void>;
}

export class SessionPool<S> {
  private readonly sessions = new Map<string, S>();
  private released = false;

  constructor(
    readonly plan: MemoryPlan,
    private readonly factory: SessionFactory<S>,
  ) {}

  /** The session of `role`, made now if it is not held; `sequential` first frees the one it holds. */
  async acquire(role: string): Promise<S> {
    if (this.released) throw new Error('the runner was released');
    const held = this.sessions.get(role);
    if (held) return held;
    if (this.plan === 'sequential') await this.releaseAll();
    const session = await this.factory.create(role);
    this.sessions.set(role, session);
    return session;
  }

  /** True once `close` was called. */
  get closed(): boolean {
    return this.released;
  }

  /** Roles whose sessions are held now, in the order they were made. */
  get held(): readonly string[] {
    return [...this.sessions.keys()];
  }

  /** Frees every session; the pool refuses `acquire` afterwards. */
  async close(): Promise<void> {
    this.released = true;
    await this.releaseAll();
  }

  private async releaseAll(): Promise<void> {
    const held = [...this.sessions];
    this.sessions.clear();
    await Promise.allSettled(held.map(([role, session]) => this.factory.release(session, role)));
  }
}
