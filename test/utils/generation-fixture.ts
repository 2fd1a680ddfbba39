/** A pending generation to store in store tests; `over` replaces any field. */
import type { Generation } from '../../src/domain/generation.js';

export const T0 = Date.parse('2025-06-01T12:00:00Z');

export function generationFixture(id: string, over: Partial<Generation> = {}): Generation {
  const createdAt = over.createdAt ?? T0;
  return {
    id,
    owner: 'alice',
    input: {
      prompt: `a prompt for ${id}`,
      negativePrompt: null,
      aspectRatio: '16:9',
      resolution: '720p',
      duration: 5,
      style: null,
      seed: null,
    },
    inputKnown: true,
    status: 'QUEUED',
    providerStatus: 'queued',
    video: null,
    error: null,
    usage: null,
    expectedDurationMs: 35_000,
    createdAt,
    updatedAt: createdAt,
    completedAt: null,
    transitions: [{ status: 'QUEUED', providerStatus: 'queued', at: createdAt }],
    idempotencyKey: null,
    ...over,
  };
}
