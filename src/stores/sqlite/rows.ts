/**
 * Rows of the SQLite store and their mapping to and from the domain types.
 */
import type { IdempotencyRecord, IdempotencyState } from '../../domain/ports.js';
import type {
  AspectRatio,
  Duration,
  Generation,
  GenerationFailure,
  GenerationStatus,
  Resolution,
  StatusTransition,
  Style,
  Usage,
  VideoFile,
  FrameImage,
  VideoModel,
} from '../../domain/generation.js';
import { modelOf } from '../../domain/generation.js';
import { isActive, isCompletionSample, needsArchiving } from '../../domain/predicates.js';
import type { SpendRecord } from '../../domain/cost.js';

export interface GenerationRow {
  id: string;
  owner: string;
  status: string;
  provider_status: string;
  prompt: string;
  negative_prompt: string | null;
  aspect_ratio: string;
  resolution: string;
  duration: number;
  style: string | null;
  seed: number | null;
  input_known: number;
  video: string | null;
  error: string | null;
  usage: string | null;
  expected_duration_ms: number;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  idempotency_key: string | null;
  /** The VideoModel ('text-to-video' for rows saved before the image models). */
  model: string;
  /** JSON {@link FramesJson} for the image models, NULL for text-to-video. */
  frames: string | null;
  /** The W3C traceparent of the span that created it, NULL when tracing was off. */
  traceparent: string | null;
}

/** What the `frames` column holds. */
interface FramesJson {
  firstFrame: FrameImage | null;
  lastFrame: FrameImage | null;
  aspectRatioGiven?: boolean;
}

export interface TransitionRow {
  generation_id: string;
  status: string;
  provider_status: string;
  at: number;
}

export interface KeyRow {
  owner: string;
  key: string;
  fingerprint: string;
  state: string;
  generation_id: string | null;
  created_at: number;
  expires_at: number;
}

/** The columns `spendSince` reads. */
export interface SpendRow {
  id: string;
  created_at: number;
  status: string;
  resolution: string;
  duration: number;
  model: string;
  input_known: number;
  usage: string | null;
}

export function toSpendRecord(r: SpendRow): SpendRecord {
  return {
    id: r.id,
    createdAt: r.created_at,
    status: r.status as GenerationStatus,
    resolution: r.resolution as Resolution,
    duration: r.duration as Duration,
    model: r.model as VideoModel,
    inputKnown: r.input_known === 1,
    usage: r.usage === null ? null : (JSON.parse(r.usage) as Usage),
  };
}

export interface CompletionRow {
  resolution: string;
  duration: number;
  model: string;
  created_at: number;
  completed_at: number;
}

/**
 * A row to write: the generation's columns, and the answers of the domain predicates that the
 * queries select on (0 or 1). Changing a predicate needs a migration that recomputes its column
 * for the rows already saved.
 */
export type GenerationParams = GenerationRow & { active: number; needs_archiving: number; completion_sample: number };

export const GENERATION_COLUMNS = `id, owner, status, provider_status, prompt, negative_prompt, aspect_ratio, resolution,
  duration, style, seed, input_known, video, error, usage, expected_duration_ms, created_at, updated_at,
  completed_at, idempotency_key, model, frames, traceparent`;

export const KEY_COLUMNS = 'owner, key, fingerprint, state, generation_id, created_at, expires_at';

const toJson = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function toParams(gen: Generation): GenerationParams {
  const { input } = gen;
  return {
    id: gen.id,
    owner: gen.owner,
    status: gen.status,
    provider_status: gen.providerStatus,
    prompt: input.prompt,
    negative_prompt: input.negativePrompt,
    aspect_ratio: input.aspectRatio,
    resolution: input.resolution,
    duration: input.duration,
    style: input.style,
    seed: input.seed,
    input_known: gen.inputKnown ? 1 : 0,
    video: toJson(gen.video),
    error: toJson(gen.error),
    usage: toJson(gen.usage),
    expected_duration_ms: gen.expectedDurationMs,
    created_at: gen.createdAt,
    updated_at: gen.updatedAt,
    completed_at: gen.completedAt,
    idempotency_key: gen.idempotencyKey,
    model: modelOf(input),
    frames:
      modelOf(input) === 'text-to-video'
        ? null
        : toJson({
            firstFrame: input.firstFrame ?? null,
            lastFrame: input.lastFrame ?? null,
            ...(input.aspectRatioGiven === false ? { aspectRatioGiven: false } : {}),
          } satisfies FramesJson),
    traceparent: gen.traceparent ?? null,
    active: isActive(gen) ? 1 : 0,
    needs_archiving: needsArchiving(gen) ? 1 : 0,
    completion_sample: isCompletionSample(gen) ? 1 : 0,
  };
}

/** Rebuilds a Generation with the field order and null-vs-missing shapes of types.ts. */
export function toGeneration(row: GenerationRow, transitions: StatusTransition[]): Generation {
  const gen: Generation = {
    id: row.id,
    owner: row.owner,
    input: {
      prompt: row.prompt,
      negativePrompt: row.negative_prompt,
      aspectRatio: row.aspect_ratio as AspectRatio,
      resolution: row.resolution as Resolution,
      duration: row.duration as Duration,
      style: row.style as Style | null,
      seed: row.seed,
    },
    inputKnown: row.input_known === 1,
    status: row.status as GenerationStatus,
    providerStatus: row.provider_status,
    video: parseJson<VideoFile>(row.video),
    error: parseJson<GenerationFailure>(row.error),
    usage: parseJson<Usage>(row.usage),
    expectedDurationMs: row.expected_duration_ms,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    transitions,
    idempotencyKey: row.idempotency_key,
  };
  // Text-to-video inputs have no model or frame fields at all, as the service builds them.
  const frames = row.model !== 'text-to-video' ? parseJson<FramesJson>(row.frames) : null;
  if (frames) {
    Object.assign(gen.input, { model: row.model as VideoModel, firstFrame: frames.firstFrame, lastFrame: frames.lastFrame });
    if (frames.aspectRatioGiven === false) gen.input.aspectRatioGiven = false;
  }
  // Absent, not null, when tracing was off: as the service builds it.
  if (row.traceparent !== null) gen.traceparent = row.traceparent;
  return gen;
}

export function toTransition(row: TransitionRow): StatusTransition {
  return { status: row.status as GenerationStatus, providerStatus: row.provider_status, at: row.at };
}

export function toRecord(row: KeyRow): IdempotencyRecord {
  return {
    owner: row.owner,
    key: row.key,
    fingerprint: row.fingerprint,
    state: row.state as IdempotencyState,
    generationId: row.generation_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** A row count for LIMIT from a JS count, the way Array#slice would read it. */
export function toLimit(n: number): number {
  if (Number.isNaN(n) || n <= 0) return 0;
  return Number.isFinite(n) ? Math.floor(n) : -1; // -1: no limit
}
