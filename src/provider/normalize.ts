/**
 * Tolerant normalisation of the provider's answers (docs/provider.md). The provider's shapes vary by
 * model and by date, so every field is read defensively; only a missing id makes a body useless.
 * Everything here is pure and synchronous.
 */
import type { GenerationFailure, GenerationStatus, Usage, VideoFile } from '../domain/generation.js';
import type { ProviderGeneration, WireErrorBody } from './wire.js';

/** Thrown by `normalizeGeneration` when a body cannot be read as a generation at all. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

/** A generic failure used when the provider says "error" but gives nothing readable. */
const GENERIC_FAILURE_CODE = 'provider_error';
/** Longest provider text carried into a failure message; the rest is cut. */
const MAX_TEXT = 1000;

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return value.trim() === '' ? null : value;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** A finite number, or a string holding one ("12", " 3.5 "); anything else is null. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '') return null;
    const n = Number(t);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** The provider's status word, lower-cased and trimmed; 'unknown' when absent or empty. */
export function normalizeStatusWord(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return 'unknown';
  const word = value.trim().toLowerCase();
  return word === '' ? 'unknown' : word;
}

function videoFromObject(value: Obj): VideoFile | null {
  const url = nonEmptyString(value.url);
  if (url === null) return null;
  return {
    url,
    contentType: nonEmptyString(value.content_type ?? value.contentType),
    fileName: nonEmptyString(value.file_name ?? value.fileName),
    fileSize: toNumber(value.file_size ?? value.fileSize),
  };
}

/**
 * `video` as an object, an array of objects (newer models; the first with a url wins), a bare
 * URL string, null or missing. A video without a url is no video.
 */
export function normalizeVideo(value: unknown): VideoFile | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const video = normalizeVideo(item);
      if (video !== null) return video;
    }
    return null;
  }
  if (typeof value === 'string') {
    const url = nonEmptyString(value);
    return url === null ? null : { url, contentType: null, fileName: null, fileSize: null };
  }
  return isObject(value) ? videoFromObject(value) : null;
}

function formatLoc(loc: unknown): string | null {
  if (Array.isArray(loc)) {
    const parts = loc.filter((p) => typeof p === 'string' || typeof p === 'number').map(String);
    return parts.length > 0 ? parts.join('.') : null;
  }
  return nonEmptyString(loc);
}

function failureFromDetail(detail: unknown[]): GenerationFailure {
  let code: string | null = null;
  const messages: string[] = [];
  for (const item of detail) {
    if (isObject(item)) {
      code ??= nonEmptyString(item.type);
      const msg = nonEmptyString(item.msg) ?? nonEmptyString(item.message) ?? 'invalid value';
      const loc = formatLoc(item.loc);
      messages.push(loc === null ? msg : `${loc}: ${msg}`);
    } else if (typeof item === 'string' && item.trim() !== '') {
      messages.push(item);
    }
  }
  return {
    code: code ?? 'validation_error',
    message: clip(messages.length > 0 ? messages.join('; ') : 'The provider rejected the request'),
  };
}

function describe(value: unknown): string {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

/**
 * `error` as `{ name, message }` (documented), `{ detail: [{ loc, msg, type }] }` (seen), a
 * plain string, or anything else (a generic failure carrying what was sent). Empty values
 * (null, '', {}, false) mean no error.
 */
export function normalizeFailure(value: unknown): GenerationFailure | null {
  if (value === null || value === undefined || value === false) return null;
  if (typeof value === 'string') {
    return value.trim() === '' ? null : { code: GENERIC_FAILURE_CODE, message: clip(value) };
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? null : failureFromDetail(value);
  }
  if (isObject(value)) {
    if (Object.keys(value).length === 0) return null;
    if (Array.isArray(value.detail)) return failureFromDetail(value.detail);
    const code = nonEmptyString(value.name) ?? nonEmptyString(value.code) ?? nonEmptyString(value.type);
    const message = nonEmptyString(value.message) ?? nonEmptyString(value.msg) ?? nonEmptyString(value.detail);
    if (code !== null || message !== null) {
      return { code: code ?? GENERIC_FAILURE_CODE, message: clip(message ?? code ?? '') };
    }
  }
  return { code: GENERIC_FAILURE_CODE, message: clip(`The provider reported an error: ${describe(value)}`) };
}

/** `meta.usage` with credits_used / tokens_used / usd_spent; null when none of them is there. */
export function normalizeUsage(meta: unknown): Usage | null {
  if (!isObject(meta) || !isObject(meta.usage)) return null;
  const usage = meta.usage;
  const result: Usage = {
    creditsUsed: toNumber(usage.credits_used),
    tokensUsed: toNumber(usage.tokens_used),
    usdSpent: toNumber(usage.usd_spent),
  };
  return result.creditsUsed === null && result.tokensUsed === null && result.usdSpent === null ? null : result;
}

/**
 * Reads a create or read answer. Throws WireFormatError when the body is not an object with a
 * non-empty string id: without an id there is nothing to track.
 */
export function normalizeGeneration(body: unknown): ProviderGeneration {
  if (!isObject(body)) throw new WireFormatError(`expected a JSON object, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`);
  const id = body.id;
  if (typeof id !== 'string' || id.trim() === '') throw new WireFormatError('the answer has no string id');
  return {
    id,
    status: normalizeStatusWord(body.status),
    video: normalizeVideo(body.video),
    error: normalizeFailure(body.error),
    usage: normalizeUsage(body.meta),
  };
}

/** What the provider's HTTP error body `{ message, path, requestId, statusCode, timestamp }` says. */
export interface ProviderErrorInfo {
  message: string | null;
  requestId: string | null;
  /** `statusCode` arrives as a string; parsed here. */
  statusCode: number | null;
}

/** Reads an HTTP error body tolerantly; anything unreadable yields nulls. */
export function normalizeErrorBody(body: unknown): ProviderErrorInfo {
  if (!isObject(body)) return { message: null, requestId: null, statusCode: null };
  const wire: WireErrorBody = body;
  let message: string | null = null;
  if (Array.isArray(wire.message)) {
    // Some frameworks answer validation failures with a list of messages.
    const parts = wire.message.filter((m): m is string => typeof m === 'string' && m.trim() !== '');
    message = parts.length > 0 ? parts.join('; ') : null;
  } else {
    message = nonEmptyString(wire.message) ?? normalizeFailure(body.error ?? body.detail ?? null)?.message ?? null;
  }
  const requestId = nonEmptyString(wire.requestId);
  const statusCode = toNumber(wire.statusCode);
  return {
    message: message === null ? null : clip(message),
    requestId,
    statusCode: statusCode !== null && Number.isInteger(statusCode) ? statusCode : null,
  };
}

const QUEUED_WORDS = new Set(['queued', 'waiting']);
const DONE_WORDS = new Set(['completed', 'succeeded']);
const FAILED_WORDS = new Set(['error', 'failed']);

/**
 * The status mapping (docs/provider.md §3). A done word without a video URL is a failure: the caller can
 * never get a video out of it. Unknown words are treated as still in progress, so a new status
 * the provider introduces keeps being polled instead of being declared over.
 */
export function mapProviderStatus(word: string, hasVideoUrl: boolean): GenerationStatus {
  const w = word.trim().toLowerCase();
  if (QUEUED_WORDS.has(w)) return 'QUEUED';
  if (DONE_WORDS.has(w)) return hasVideoUrl ? 'COMPLETED' : 'FAILED';
  if (FAILED_WORDS.has(w)) return 'FAILED';
  return 'GENERATING';
}
