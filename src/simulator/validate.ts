/**
 * Create-body validation with the provider's rules (docs/provider.md), so a gateway that
 * forgets one of them finds out against the simulator rather than against a paid API.
 *
 * Where the provider's documentation is silent the simulator is the stricter of the plausible
 * readings, so that a gateway mistake shows: an image field sent to a model that takes none (a
 * gateway that picked the wrong model) is refused rather than ignored.
 */
import {
  ASPECT_RATIOS,
  DATA_URI_IMAGE_TYPES,
  DEFAULTS,
  IMAGE_FIELDS,
  MAX_PROMPT_LENGTH,
  MAX_SEED,
  MODELS,
  RESOLUTIONS,
  STYLES,
  type AspectRatio,
  type Duration,
  type Model,
  type Resolution,
  type Style,
} from './spec.js';
import { BEHAVIOURS, type Behaviour } from './types.js';

export interface ValidCreate {
  model: Model;
  prompt: string;
  negativePrompt: string | null;
  aspectRatio: AspectRatio;
  resolution: Resolution;
  duration: Duration;
  style: Style | null;
  seed: number | null;
  /** First frame (image-to-video, transition): an http(s) URL or a data URI, as sent. */
  imageUrl: string | null;
  /** Last frame (transition): as sent. */
  tailImageUrl: string | null;
  /** From a `[sim:<behaviour>]` prompt tag, when present. */
  taggedBehaviour: Behaviour | null;
  /** From a `[sim:late=<ms>]` prompt tag, when present. */
  lateMs: number | null;
}

export type ValidationResult = { ok: true; value: ValidCreate } | { ok: false; message: string };

const TAGS = /\[sim:([^\]]*)\]/gi;
const LATE = /^late=(\d{1,10})$/;
// Standard base64, padded or not; the length check below rules out impossible lengths.
const DATA_URI = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]+={0,2})$/i;

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

/** Null when `value` is an image reference the provider takes, else what is wrong with it. */
export function imageProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string (an http(s) URL or a base64 data URI)';
  if (value.startsWith('data:')) {
    const match = DATA_URI.exec(value);
    if (!match) return 'must be a data URI of the form data:image/<png|jpeg|webp>;base64,<data>';
    const type = (match[1] ?? '').toLowerCase();
    if (!oneOf(DATA_URI_IMAGE_TYPES, type)) return `data URI type must be one of ${list(DATA_URI_IMAGE_TYPES)}, not ${JSON.stringify(type)}`;
    const data = (match[2] ?? '').replace(/=+$/, '');
    if (data.length % 4 === 1) return 'data URI holds malformed base64';
    return null;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an http(s) URL or a base64 data URI';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `URL scheme must be http or https, not ${url.protocol.replace(/:$/, '')}`;
  if (url.hostname === '') return 'URL must name a host';
  return null;
}

interface Tags {
  behaviour: Behaviour | null;
  lateMs: number | null;
  problems: string[];
}

/** Reads every `[sim:...]` tag; one tag may hold several comma-separated items. */
function readTags(prompt: string): Tags {
  const tags: Tags = { behaviour: null, lateMs: null, problems: [] };
  for (const match of prompt.matchAll(TAGS)) {
    for (const raw of (match[1] ?? '').split(',')) {
      const word = raw.trim().toLowerCase();
      const late = LATE.exec(word);
      if (late) {
        if (tags.lateMs !== null) tags.problems.push('more than one [sim:late=<ms>] tag');
        tags.lateMs = Number(late[1]);
      } else if (oneOf(BEHAVIOURS, word)) {
        if (tags.behaviour !== null && tags.behaviour !== word) {
          tags.problems.push(`conflicting simulator tags [sim:${tags.behaviour}] and [sim:${word}]`);
        }
        tags.behaviour = word;
      } else {
        // A typo in a manual test should say so instead of silently behaving normally.
        tags.problems.push(`unknown simulator tag [sim:${word}] (known: ${BEHAVIOURS.join(', ')}, late=<ms>)`);
      }
    }
  }
  return tags;
}

export function validateCreateBody(body: unknown): ValidationResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'request body must be a JSON object' };
  }
  const b = body as Record<string, unknown>;
  const problems: string[] = [];

  // The provider's validator treats null like an absent optional field.
  const present = (key: string): boolean => b[key] !== undefined && b[key] !== null;

  let model: Model | null = null;
  if (!present('model')) problems.push(`model is required; one of ${list(MODELS)}`);
  else if (!oneOf(MODELS, b.model)) problems.push(`model must be one of ${list(MODELS)}, not ${JSON.stringify(b.model)}`);
  else model = b.model;

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

  if (model !== null) {
    const wanted = IMAGE_FIELDS[model];
    for (const field of ['image_url', 'tail_image_url'] as const) {
      if (wanted.includes(field)) {
        if (!present(field)) {
          problems.push(`${field} is required for model ${JSON.stringify(model)}`);
        } else {
          const problem = imageProblem(b[field]);
          if (problem !== null) problems.push(`${field} ${problem}`);
        }
      } else if (present(field)) {
        problems.push(`${field} is not accepted by model ${JSON.stringify(model)}`);
      }
    }
  }

  const tags = readTags(prompt);
  problems.push(...tags.problems);

  if (problems.length > 0 || model === null) return { ok: false, message: problems.join('; ') };

  return {
    ok: true,
    value: {
      model,
      prompt,
      negativePrompt: present('negative_prompt') ? (b.negative_prompt as string) : null,
      aspectRatio: present('aspect_ratio') ? (b.aspect_ratio as AspectRatio) : DEFAULTS.aspectRatio,
      resolution: present('resolution') ? (b.resolution as Resolution) : DEFAULTS.resolution,
      duration: present('duration') ? (b.duration as Duration) : DEFAULTS.duration,
      style: present('style') ? (b.style as Style) : null,
      seed: present('seed') ? (b.seed as number) : null,
      imageUrl: present('image_url') ? (b.image_url as string) : null,
      tailImageUrl: present('tail_image_url') ? (b.tail_image_url as string) : null,
      taggedBehaviour: tags.behaviour,
      lateMs: tags.lateMs,
    },
  };
}
