/**
 * Pure state transitions of a generation. Status only moves forward
 * (QUEUED → GENERATING → one terminal status), and terminal states never change, with one
 * exception: a TIMED_OUT generation that the provider completed after all becomes COMPLETED
 * (`recoverLate`), because a finished video is paid for and must not be lost.
 */
import { isTerminal, type Generation, type GenerationInput, type GenerationStatus } from './generation.js';
import type { ProviderReading } from './ports.js';

const RANK: Record<GenerationStatus, number> = {
  QUEUED: 0,
  GENERATING: 1,
  COMPLETED: 2,
  FAILED: 2,
  TIMED_OUT: 2,
};

export interface Applied {
  next: Generation;
  /** Something stored changed (status, provider word, video, error or usage). */
  changed: boolean;
  /** The status moved: subscribers are told. */
  transitioned: boolean;
}

export function newGeneration(args: {
  reading: ProviderReading;
  owner: string;
  input: GenerationInput;
  inputKnown: boolean;
  idempotencyKey: string | null;
  expectedDurationMs: number;
  now: number;
}): Generation {
  const { reading, now } = args;
  const base: Generation = {
    id: reading.id,
    owner: args.owner,
    input: args.input,
    inputKnown: args.inputKnown,
    status: 'QUEUED',
    providerStatus: reading.providerStatus,
    video: null,
    error: null,
    usage: reading.usage,
    expectedDurationMs: args.expectedDurationMs,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    transitions: [],
    idempotencyKey: args.idempotencyKey,
  };
  base.transitions.push({ status: 'QUEUED', providerStatus: reading.providerStatus, at: now });
  if (reading.status === 'QUEUED') return base;
  return applyReading(base, reading, now).next;
}

export function applyReading(gen: Generation, reading: ProviderReading, now: number): Applied {
  if (isTerminal(gen.status)) return { next: gen, changed: false, transitioned: false };
  const mapped = reading.status;
  const forward = RANK[mapped] > RANK[gen.status];
  const status = forward ? mapped : gen.status;
  const usage = reading.usage ?? gen.usage;
  const changed =
    forward || reading.providerStatus !== gen.providerStatus || JSON.stringify(usage) !== JSON.stringify(gen.usage);
  if (!changed) return { next: gen, changed: false, transitioned: false };
  const next: Generation = {
    ...gen,
    status,
    providerStatus: reading.providerStatus,
    usage,
    updatedAt: now,
    transitions: forward ? [...gen.transitions, { status, providerStatus: reading.providerStatus, at: now }] : gen.transitions,
  };
  if (forward && status === 'COMPLETED') {
    next.video = reading.video;
    next.completedAt = now;
  } else if (forward && status === 'FAILED') {
    next.completedAt = now;
    // The provider adapter gives every FAILED reading an error.
    next.error = reading.error ?? { code: 'PROVIDER_ERROR', message: `The provider reported "${reading.providerStatus}" without details` };
  }
  return { next, changed: true, transitioned: forward };
}

/** Why a generation timed out. */
export type TimeoutCause =
  /** A successful read after the deadline still showed it in progress. */
  | 'deadline'
  /** The provider could not be asked at all until the give-up ceiling. */
  | 'unreachable';

/**
 * The generation ran past its timeout with no terminal answer. Only the tracker calls this:
 * after a successful read past the deadline (`deadline`), or when the provider stayed
 * unreachable past the give-up ceiling (`unreachable`).
 */
export function expire(gen: Generation, now: number, timeoutMs: number, cause: TimeoutCause = 'deadline'): Applied {
  if (isTerminal(gen.status)) return { next: gen, changed: false, transitioned: false };
  const next: Generation = {
    ...gen,
    status: 'TIMED_OUT',
    updatedAt: now,
    completedAt: now,
    error:
      cause === 'unreachable'
        ? {
            code: 'PROVIDER_UNREACHABLE',
            message: `The provider could not be reached for ${formatMs(timeoutMs)}; the gateway keeps checking for a late result`,
          }
        : { code: 'TIMED_OUT', message: `No terminal answer from the provider within ${formatMs(timeoutMs)}` },
    transitions: [...gen.transitions, { status: 'TIMED_OUT', providerStatus: gen.providerStatus, at: now }],
  };
  return { next, changed: true, transitioned: true };
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/**
 * Late recovery: the one transition out of a terminal state. A generation that timed out and
 * that the provider completed after all becomes COMPLETED; any other answer changes nothing.
 */
export function recoverLate(gen: Generation, reading: ProviderReading, now: number): Applied {
  if (gen.status !== 'TIMED_OUT' || reading.status !== 'COMPLETED' || !reading.video) {
    return { next: gen, changed: false, transitioned: false };
  }
  const next: Generation = {
    ...gen,
    status: 'COMPLETED',
    providerStatus: reading.providerStatus,
    video: reading.video,
    error: null,
    usage: reading.usage ?? gen.usage,
    updatedAt: now,
    completedAt: now,
    transitions: [...gen.transitions, { status: 'COMPLETED', providerStatus: reading.providerStatus, at: now }],
  };
  return { next, changed: true, transitioned: true };
}

/** The provider no longer knows a generation it once accepted. */
export function lost(gen: Generation, now: number): Applied {
  if (isTerminal(gen.status)) return { next: gen, changed: false, transitioned: false };
  const next: Generation = {
    ...gen,
    status: 'FAILED',
    updatedAt: now,
    completedAt: now,
    error: { code: 'NOT_FOUND', message: 'The provider no longer knows this generation' },
    transitions: [...gen.transitions, { status: 'FAILED', providerStatus: gen.providerStatus, at: now }],
  };
  return { next, changed: true, transitioned: true };
}
