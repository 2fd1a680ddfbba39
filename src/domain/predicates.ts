/**
 * Questions every store asks of a generation to keep its indexes, answered once here so the
 * stores cannot disagree. Pure functions of the domain `Generation`.
 */
import { isTerminal, modelOf, type Generation } from './generation.js';
import type { CompletedSample } from './ports.js';

/** Not in a terminal status: the poller still follows it, and it counts against the owner's budget. */
export function isActive(gen: Generation): boolean {
  return !isTerminal(gen.status);
}

/** Completed with a video that the gateway has not archived a copy of yet. */
export function needsArchiving(gen: Generation): boolean {
  return gen.status === 'COMPLETED' && gen.video !== null && !gen.video.archivedFile;
}

/**
 * Completed, at a known time, from a known input: its duration can teach the estimator how long
 * generations of its shape take.
 */
export function isCompletionSample(gen: Generation): gen is SampledGeneration {
  return gen.status === 'COMPLETED' && gen.completedAt !== null && gen.inputKnown;
}

export type SampledGeneration = Generation & { completedAt: number };

/** What the estimator learns from a generation that {@link isCompletionSample}. */
export function toCompletionSample(gen: SampledGeneration): CompletedSample {
  const sample: CompletedSample = { resolution: gen.input.resolution, duration: gen.input.duration, tookMs: gen.completedAt - gen.createdAt };
  const model = modelOf(gen.input);
  if (model !== 'text-to-video') sample.model = model;
  return sample;
}
