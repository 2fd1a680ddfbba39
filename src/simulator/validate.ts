/**
 * Create-body validation with the provider's rules (CONTRACT §1), so a gateway that forgets one
 * of them finds out against the simulator rather than against a paid API.
 */
import {
  ASPECT_RATIOS,
  MAX_PROMPT_LENGTH,
  MAX_SEED,
  RESOLUTIONS,
  STYLES,
  type AspectRatio,
  type Duration,
  type Resolution,
  type Style,
} from '../domain/generation.js';
import { PIXVERSE_MODEL } from '../provider/wire.js';
import { BEHAVIOURS, type Behaviour } from './types.js';

export interface ValidCreate {
  prompt: string;
  negativePrompt: string | null;
  aspectRatio: AspectRatio;
  resolution: Resolution;
  duration: Duration;
  style: Style | null;
  seed: number | null;
  /** From a `[sim:<behaviour>]` prompt tag, when present. */
  taggedBehaviour: Behaviour | null;
}

export type ValidationResult = { ok: true; value: ValidCreate } | { ok: false; message: string };

const TAG = /\[sim:([^\]]*)\]/i;

function oneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

// Code points, not UTF-16 units: the stricter count would refuse prompts the provider accepts.
function charCount(value: string): number {
  return [...value].length;
}

function list(values: readonly (string | number)[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

export function validateCreateBody(body: unknown): ValidationResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'request body must be a JSON object' };
  }
  const b = body as Record<string, unknown>;
  const problems: string[] = [];

  if (b.model !== PIXVERSE_MODEL) {
    problems.push(`model must be ${JSON.stringify(PIXVERSE_MODEL)}`);
  }

  let prompt = '';
  if (typeof b.prompt !== 'string') {
    problems.push('prompt must be a string');
  } else if (b.prompt.length === 0) {
    problems.push('prompt must not be empty');
  } else if (charCount(b.prompt) > MAX_PROMPT_LENGTH) {
    problems.push(`prompt must be at most ${MAX_PROMPT_LENGTH} characters`);
  } else {
    prompt = b.prompt;
  }

  // The provider's validator treats null like an absent optional field.
  const present = (key: string): boolean => b[key] !== undefined && b[key] !== null;

  if (present('negative_prompt')) {
    if (typeof b.negative_prompt !== 'string') problems.push('negative_prompt must be a string');
    else if (charCount(b.negative_prompt) > MAX_PROMPT_LENGTH) {
      problems.push(`negative_prompt must be at most ${MAX_PROMPT_LENGTH} characters`);
    }
  }
  if (present('aspect_ratio') && !oneOf(ASPECT_RATIOS, b.aspect_ratio)) {
    problems.push(`aspect_ratio must be one of ${list(ASPECT_RATIOS)}`);
  }
  if (present('resolution') && !oneOf(RESOLUTIONS, b.resolution)) {
    problems.push(`resolution must be one of ${list(RESOLUTIONS)}`);
  }
  if (present('duration')) {
    if (typeof b.duration !== 'number') {
      problems.push(`duration must be a number (5 or 8), not a ${typeof b.duration}`);
    } else if (b.duration !== 5 && b.duration !== 8) {
      problems.push('duration must be 5 or 8');
    } else if (b.duration === 8 && b.resolution === '1080p') {
      problems.push('duration 8 is not available at resolution 1080p; use 5');
    }
  }
  if (present('style') && !oneOf(STYLES, b.style)) {
    problems.push(`style must be one of ${list(STYLES)}`);
  }
  if (present('seed')) {
    if (typeof b.seed !== 'number' || !Number.isInteger(b.seed) || b.seed < 0 || b.seed > MAX_SEED) {
      problems.push(`seed must be an integer from 0 to ${MAX_SEED}`);
    }
  }

  let taggedBehaviour: Behaviour | null = null;
  const tag = TAG.exec(prompt);
  if (tag) {
    const word = (tag[1] ?? '').trim().toLowerCase();
    if (oneOf(BEHAVIOURS, word)) taggedBehaviour = word;
    // A typo in a manual test should say so instead of silently behaving normally.
    else problems.push(`unknown simulator tag [sim:${word}]; known: ${BEHAVIOURS.join(', ')}`);
  }

  if (problems.length > 0) return { ok: false, message: problems.join('; ') };

  return {
    ok: true,
    value: {
      prompt,
      negativePrompt: present('negative_prompt') ? (b.negative_prompt as string) : null,
      aspectRatio: present('aspect_ratio') ? (b.aspect_ratio as AspectRatio) : '16:9',
      resolution: present('resolution') ? (b.resolution as Resolution) : '720p',
      duration: present('duration') ? (b.duration as Duration) : 5,
      style: present('style') ? (b.style as Style) : null,
      seed: present('seed') ? (b.seed as number) : null,
      taggedBehaviour,
    },
  };
}
