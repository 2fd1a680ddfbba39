import { describe, expect, it } from 'vitest';
import { LookupBudget } from '../../src/generations/lookups.js';
import { withoutSuggestion } from '../../src/server/plugins/use-no-suggestions.js';
import { MemoryRateLimiter } from '../../src/stores/memory-rate-limit.js';

describe('LookupBudget', () => {
  const setup = (perMinute: number, negativeTtlMs = 30_000, maxRemembered?: number) => {
    let t = 1_000_000;
    const budget = new LookupBudget({
      limiter: new MemoryRateLimiter(perMinute),
      negativeTtlMs,
      ...(maxRemembered !== undefined ? { maxRemembered } : {}),
      now: () => t,
    });
    return { budget, advance: (ms: number) => (t += ms) };
  };

  it('admits `perMinute` lookups per owner in a sliding minute, each owner on its own budget', async () => {
    const { budget, advance } = setup(3);
    const admitted = [];
    for (let i = 0; i < 5; i++) admitted.push(await budget.admit('bob', `id-${i}`));
    expect(admitted).toEqual([true, true, true, false, false]);
    expect(await budget.admit('alice', 'id-0')).toBe(true);
    advance(60_001);
    expect(await budget.admit('bob', 'id-9')).toBe(true);
  });

  it('answers a remembered negative at once, for that owner only, until it expires, without using the budget', async () => {
    const { budget, advance } = setup(2, 30_000);
    expect(await budget.admit('bob', 'gone')).toBe(true);
    budget.rememberMissing('bob', 'gone');
    expect(await budget.admit('bob', 'gone')).toBe(false);
    // Bob's second unit is still there: the remembered answer did not spend it.
    expect(await budget.admit('bob', 'other')).toBe(true);
    expect(await budget.admit('alice', 'gone')).toBe(true);
    advance(30_001);
    advance(60_000);
    expect(await budget.admit('bob', 'gone')).toBe(true);
  });

  it('forgets the oldest negatives beyond its capacity', async () => {
    const { budget } = setup(100, 30_000, 2);
    budget.rememberMissing('bob', 'a');
    budget.rememberMissing('bob', 'b');
    budget.rememberMissing('bob', 'c');
    expect(await budget.admit('bob', 'a')).toBe(true);
    expect(await budget.admit('bob', 'b')).toBe(false);
    expect(await budget.admit('bob', 'c')).toBe(false);
  });
});

describe('withoutSuggestion', () => {
  it.each([
    ['Cannot query field "videoGeneratoin" on type "Query". Did you mean "videoGeneration" or "videoGenerations"?', 'Cannot query field "videoGeneratoin" on type "Query".'],
    ['Unknown argument "idd" on field "Query.videoGeneration". Did you mean "id"?', 'Unknown argument "idd" on field "Query.videoGeneration".'],
    ['Unknown type "GenerateVideoInpt". Did you mean "GenerateVideoInput" or "GenerateVideoPayload"?', 'Unknown type "GenerateVideoInpt".'],
    ['Value "P72" does not exist in "VideoResolution" enum. Did you mean the enum value "P720"?', 'Value "P72" does not exist in "VideoResolution" enum.'],
    ['Cannot query field "x" on type "Node". Did you mean to use an inline fragment on "VideoGeneration"?', 'Cannot query field "x" on type "Node".'],
    ['Variable "$i" got invalid value { promt: "p" }; Field "promt" is not defined by type "GenerateVideoInput". Did you mean "prompt"?', 'Variable "$i" got invalid value { promt: "p" }; Field "promt" is not defined by type "GenerateVideoInput".'],
    ['Syntax Error: Expected Name, found "{".', 'Syntax Error: Expected Name, found "{".'],
  ])('%s', (message, expected) => {
    expect(withoutSuggestion(message)).toBe(expected);
  });
});
