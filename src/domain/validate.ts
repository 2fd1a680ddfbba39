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
  type FrameImage,
  type GenerationInput,
  type Resolution,
  type VideoModel,
  type Style,
} from './generation.js';
import { imageUrlProblem, DEFAULT_MAX_IMAGE_BYTES, type FrameField, type ImageRules, type RawImageInput, type UploadedImage } from './images.js';

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
  /** Set → image-to-video. */
  firstFrame?: RawImageInput | null;
  /** Set with firstFrame → transition; alone it is refused. */
  lastFrame?: RawImageInput | null;
}

/** An uploaded frame that passed the checks its declared size allows; its bytes are checked next. */
export interface PendingUpload {
  field: FrameField;
  file: UploadedImage;
}

export type ValidationResult =
  | {
      ok: true;
      /** Frames given as URLs are in place; uploaded ones are filled in once stored (`uploads`). */
      input: GenerationInput;
      idempotencyKey: string | null;
      uploads: PendingUpload[];
    }
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

/** Checks one `ImageInput`: exactly one of url or file, a URL the provider may fetch, a file within size. */
function checkFrame(
  raw: RawImageInput,
  field: FrameField,
  rules: ImageRules,
  problems: InputProblem[],
  uploads: PendingUpload[],
): FrameImage | null {
  const hasUrl = raw.url != null;
  const hasFile = raw.file != null;
  if (hasUrl === hasFile) {
    problems.push({
      field: ['input', field],
      message: hasUrl ? `${field}: give either url or file, not both` : `${field}: give exactly one of url or file`,
    });
    return null;
  }
  if (hasUrl) {
    const url = (raw.url as string).trim();
    const problem = imageUrlProblem(url, rules);
    if (problem) {
      problems.push({ field: ['input', field, 'url'], message: `${field}.${problem}` });
      return null;
    }
    return { source: 'url', url };
  }
  const file = raw.file as UploadedImage;
  const max = rules.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  if (!(file.size > 0)) {
    problems.push({ field: ['input', field, 'file'], message: `${field}.file is empty` });
  } else if (file.size > max) {
    problems.push({ field: ['input', field, 'file'], message: `${field}.file must be at most ${max} bytes (got ${file.size})` });
  } else {
    uploads.push({ field, file });
  }
  return null;
}

export function validateGenerationInput(raw: RawGenerationInput, rules: ImageRules = {}): ValidationResult {
  const problems: InputProblem[] = [];
  const uploads: PendingUpload[] = [];
  let firstFrame: FrameImage | null = null;
  let lastFrame: FrameImage | null = null;
  if (raw.lastFrame != null && raw.firstFrame == null) {
    problems.push({
      field: ['input', 'lastFrame'],
      message: 'lastFrame needs a firstFrame: a transition goes from the first frame to the last (use firstFrame alone to animate one image)',
    });
  } else {
    if (raw.firstFrame != null) firstFrame = checkFrame(raw.firstFrame, 'firstFrame', rules, problems, uploads);
    if (raw.lastFrame != null) lastFrame = checkFrame(raw.lastFrame, 'lastFrame', rules, problems, uploads);
  }
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
  const input: GenerationInput = { prompt, negativePrompt, aspectRatio, resolution, duration, style: raw.style ?? null, seed };
  if (raw.firstFrame != null) {
    // Text-to-video inputs keep their original shape: no model or frame fields at all.
    const model: VideoModel = raw.lastFrame != null ? 'transition' : 'image-to-video';
    Object.assign(input, { model, firstFrame, lastFrame });
    // Image-to-video without a ratio follows the image's own shape.
    if (model === 'image-to-video' && raw.aspectRatio == null) input.aspectRatioGiven = false;
  }
  return { ok: true, idempotencyKey, input, uploads };
}

/** How a frame takes part in a fingerprint: a URL by its text, a file by its bytes' hash. */
function frameKey(frame: FrameImage | null | undefined): string | null {
  if (!frame) return null;
  return frame.source === 'url' ? `url:${frame.url}` : `sha256:${frame.sha256}`;
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
    // Appended only for the image models, so text-to-video fingerprints stay what they were.
    ...(input.model !== undefined && input.model !== 'text-to-video'
      ? [input.model, frameKey(input.firstFrame), frameKey(input.lastFrame), input.aspectRatioGiven !== false]
      : []),
  ]);
}
