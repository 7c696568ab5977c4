/** Sessions made on first use and kept as the memory plan says (src/runtime/sessionPool.ts). */
import { describe, expect, it } from 'vitest';
import { SessionPool } from '../../src/runtime/sessionPool';

/** A pool over stand-in sessions that records every creation and release. */
function recordingPool(plan: 'resident' | 'sequential') {
  const events: string[] = [];
  let made = 0;
  const pool = new SessionPool<{ role: string; id: number }>(plan, {
    create: async (role) => (events.push(`create ${role}`), { role, id: made++ }),
    release: async (session, role) => void events.push(`release ${role}#${session.id}`),
  });
  return { pool, events };
}

describe('SessionPool', () => {
  it('makes a session on its first use only and keeps every one under the resident plan', async () => {
    const { pool, events } = recordingPool('resident');
    expect(pool.held).toEqual([]);
    const first = await pool.acquire('textEncoder');
    await pool.acquire('dit');
    await pool.acquire('dit');
    expect(await pool.acquire('textEncoder')).toBe(first);
    expect(events).toEqual(['create textEncoder', 'create dit']);
    expect(pool.held).toEqual(['textEncoder', 'dit']);
  });

  it('releases the session it holds before making the next one under the sequential plan', async () => {
    const { pool, events } = recordingPool('sequential');
    for (const role of ['textEncoder', 'dit', 'dit', 'vaeDecoder', 'textEncoder']) await pool.acquire(role);
    expect(events).toEqual([
      'create textEncoder',
      'release textEncoder#0',
      'create dit',
      'release dit#1',
      'create vaeDecoder',
      'release vaeDecoder#2',
      'create textEncoder',
    ]);
    expect(pool.held).toEqual(['textEncoder']);
  });

  it('releases everything on close and refuses to make sessions afterwards', async () => {
    const { pool, events } = recordingPool('resident');
    await pool.acquire('textEncoder');
    await pool.acquire('dit');
    await pool.close();
    expect(events.slice(2)).toEqual(['release textEncoder#0', 'release dit#1']);
    expect(pool.closed).toBe(true);
    expect(pool.held).toEqual([]);
    await expect(pool.acquire('dit')).rejects.toThrow(/released/);
  });

  it('holds nothing for a role whose session could not be made, and tries again on the next use', async () => {
    let fail = true;
    const pool = new SessionPool<string>('resident', {
      create: async (role) => {
        if (fail) throw new Error(`cannot load ${role}`);
        return role;
      },
      release: async () => undefined,
    });
    await expect(pool.acquire('dit')).rejects.toThrow('cannot load dit');
    expect(pool.held).toEqual([]);
    fail = false;
    expect(await pool.acquire('dit')).toBe('dit');
  });
});
