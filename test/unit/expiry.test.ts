/** untilExpiry (src/schema/expiry.ts): a stream ends with UNAUTHENTICATED at its token's expiry. */
import { describe, expect, it } from 'vitest';
import { untilExpiry } from '../../src/schema/expiry.js';

async function collect<T>(it: AsyncIterable<T>): Promise<{ values: T[]; error: unknown }> {
  const values: T[] = [];
  try {
    for await (const v of it) values.push(v);
    return { values, error: null };
  } catch (error) {
    return { values, error };
  }
}

describe('untilExpiry', () => {
  it('passes every value through and ends with the source before the expiry', async () => {
    async function* three(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      yield 3;
    }
    expect(await collect(untilExpiry(three(), Date.now() + 60_000))).toEqual({ values: [1, 2, 3], error: null });
    // A token living longer than setTimeout can wait (about 24.8 days) sets no timer at all.
    expect(await collect(untilExpiry(three(), Date.now() + 30 * 86_400_000))).toEqual({ values: [1, 2, 3], error: null });
  });

  it('ends a source that waits with UNAUTHENTICATED at the expiry, without waiting for the source, and stops it', async () => {
    let stopped = false;
    let release: () => void = () => undefined;
    async function* slow(): AsyncGenerator<string> {
      try {
        yield 'first';
        // Pending far longer than the test: only the expiry ends the stream.
        await new Promise<void>((r) => (release = r));
        yield 'never';
      } finally {
        stopped = true;
      }
    }
    const t0 = Date.now();
    const { values, error } = await collect(untilExpiry(slow(), Date.now() + 150));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(values).toEqual(['first']);
    expect(error).toMatchObject({ message: expect.stringMatching(/token has expired/), extensions: { code: 'UNAUTHENTICATED' } });
    // The source was asked to stop; an async generator does once its pending step settles.
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(true);
  });
});
