/**
 * Input rules, checked before anything reaches the provider. Each failure names the input
 * field at fault, so a form can put the message beside the right control.
 */
import {
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_PROMPT_LENGTH,
  MAX_SEED,
  type AspectRatio,
  type Duration,
  type GenerationInput,
  type Resolution,
  type Style,
} from './generation.js';

export interface InputProblem {
  field: string[];
  message: string;
}

/** The input as it arrives from GraphQL (enums already mapped to provider values). */
export interface RawGenerationInput {
  prompt: string;
  negativePrompt?: string | null;
  aspectRatio?: AspectRatio | null;
  resolution?: Resolution | null;
  duration?: number | null;
  style?: Style | null;
  seed?: number | null;
  idempotencyKey?: string | null;
}

export type ValidationResult =
  | { ok: true; input: GenerationInput; idempotencyKey: string | null }
  | { ok: false; problems: InputProblem[] };

/** Counts characters as the provider does (code points), not UTF-16 units. */
function length(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Lone surrogates cannot be encoded as UTF-8 and would reach the provider as garbage. */
function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** Control characters other than tab and newlines carry no meaning in a prompt. */
function hasControlChars(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s);
}

function checkText(value: string, field: string, label: string, problems: InputProblem[], required: boolean): string | null {
  const text = value.trim();
  const path = ['input', field];
  if (hasLoneSurrogate(text)) {
    problems.push({ field: path, message: `${label} contains an invalid Unicode character (lone surrogate)` });
    return null;
  }
  if (hasControlChars(text)) {
    problems.push({ field: path, message: `${label} contains control characters` });
    return null;
  }
  if (required && text.length === 0) {
    problems.push({ field: path, message: `${label} must not be empty` });
    return null;
  }
  const n = length(text);
  if (n > MAX_PROMPT_LENGTH) {
    problems.push({ field: path, message: `${label} must be at most ${MAX_PROMPT_LENGTH} characters (got ${n})` });
    return null;
  }
  return text;
}

export function validateGenerationInput(raw: RawGenerationInput): ValidationResult {
  const problems: InputProblem[] = [];
  const prompt = checkText(raw.prompt, 'prompt', 'prompt', problems, true);
  let negativePrompt: string | null = null;
  if (raw.negativePrompt != null) {
    negativePrompt = checkText(raw.negativePrompt, 'negativePrompt', 'negativePrompt', problems, false);
    if (negativePrompt === '') negativePrompt = null;
  }
  const resolution: Resolution = raw.resolution ?? '720p';
  const aspectRatio: AspectRatio = raw.aspectRatio ?? '16:9';
  let duration: Duration = 5;
  if (raw.duration != null) {
    if (raw.duration !== 5 && raw.duration !== 8) {
      problems.push({ field: ['input', 'duration'], message: `duration must be 5 or 8 seconds (got ${raw.duration})` });
    } else if (raw.duration === 8 && resolution === '1080p') {
      problems.push({ field: ['input', 'duration'], message: 'duration 8 is not available at P1080; use 5, or a lower resolution' });
    } else {
      duration = raw.duration;
    }
  }
  let seed: number | null = null;
  if (raw.seed != null) {
    if (!Number.isInteger(raw.seed) || raw.seed < 0 || raw.seed > MAX_SEED) {
      problems.push({ field: ['input', 'seed'], message: `seed must be an integer from 0 to ${MAX_SEED} (got ${raw.seed})` });
    } else {
      seed = raw.seed;
    }
  }
  let idempotencyKey: string | null = null;
  if (raw.idempotencyKey != null) {
    const key = raw.idempotencyKey;
    if (key.length === 0) {
      problems.push({ field: ['input', 'idempotencyKey'], message: 'idempotencyKey must not be empty' });
    } else if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      problems.push({
        field: ['input', 'idempotencyKey'],
        message: `idempotencyKey must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (got ${key.length})`,
      });
    } else if (hasLoneSurrogate(key) || hasControlChars(key)) {
      problems.push({ field: ['input', 'idempotencyKey'], message: 'idempotencyKey contains invalid characters' });
    } else {
      idempotencyKey = key;
    }
  }
  if (problems.length > 0 || prompt === null) return { ok: false, problems };
  return {
    ok: true,
    idempotencyKey,
    input: { prompt, negativePrompt, aspectRatio, resolution, duration, style: raw.style ?? null, seed },
  };
}

/** A stable fingerprint of an input, to tell a retried request from a different one under the same key. */
export function inputFingerprint(input: GenerationInput): string {
  return JSON.stringify([
    input.prompt,
    input.negativePrompt,
    input.aspectRatio,
    input.resolution,
    input.duration,
    input.style,
    input.seed,
  ]);
}
