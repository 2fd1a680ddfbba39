/**
 * A simulated generation's state is a pure function of the time elapsed since its creation, so
 * the simulator needs no timers and a test clock moves every generation at once.
 */
import { SIM_MODELS, type Duration, type Model, type Resolution } from './spec.js';
import type { Behaviour } from './types.js';

// Scaled from the provider's published timings (docs/provider.md: 30–40 s for 720p/5 s, about 75 s
// for 1080p) minus the default 3 s queue.
const GENERATE_MS_5S: Record<Resolution, number> = {
  '360p': 22_000,
  '540p': 27_000,
  '720p': 35_000,
  '1080p': 72_000,
};

// Invented: the provider publishes timings for text-to-video only. Image-to-video starts from a
// given frame and is taken as fast; a transition has two frames to honour and is taken as slower.
const GENERATE_FACTOR: Record<Model, number> = {
  [SIM_MODELS.textToVideo]: 1,
  [SIM_MODELS.imageToVideo]: 1,
  [SIM_MODELS.transition]: 1.25,
};

/**
 * The default `generateMs`: the provider's published timings, 8 s durations taking 1.5× as long,
 * transitions 1.25× as long as the other two models.
 */
export function defaultGenerateMs(resolution: Resolution, duration: Duration, model: Model = SIM_MODELS.textToVideo): number {
  const base = duration === 8 ? GENERATE_MS_5S[resolution] * 1.5 : GENERATE_MS_5S[resolution];
  return Math.round(base * GENERATE_FACTOR[model]);
}

// Invented prices: the gateway only passes credits through, so their scale does not matter, only
// that they differ with each of model, resolution and duration; the factors below make the figure
// of every valid combination unique, so a test can tell exactly what was charged for.
const CREDITS_5S: Record<Resolution, number> = {
  '360p': 300_000,
  '540p': 350_000,
  '720p': 400_000,
  '1080p': 800_000,
};

const CREDITS_FACTOR: Record<Model, number> = {
  [SIM_MODELS.textToVideo]: 1,
  [SIM_MODELS.imageToVideo]: 1.1,
  [SIM_MODELS.transition]: 1.3,
};

/**
 * The `meta.usage.credits_used` figure of a generation (on create and on every read): the
 * 5-second price of its resolution, scaled by duration / 5 and by its model's factor
 * (text-to-video 1, image-to-video 1.1, transition 1.3), rounded to an integer. 5-second prices:
 * 360p 300 000, 540p 350 000, 720p 400 000, 1080p 800 000. E.g. text-to-video 720p/5 s: 400 000;
 * transition 1080p/5 s: 1 040 000; image-to-video 360p/8 s: 528 000.
 */
export function creditsFor(resolution: Resolution, duration: Duration, model: Model = SIM_MODELS.textToVideo): number {
  return Math.round((CREDITS_5S[resolution] * duration * CREDITS_FACTOR[model]) / 5);
}

export interface SimGeneration {
  id: string;
  model: Model;
  behaviour: Behaviour;
  createdAt: number;
  queueMs: number;
  generateMs: number;
  creditsUsed: number;
}

export interface FileInfo {
  url: string;
  fileName: string;
  fileSize: number;
}

type Phase = 'queued' | 'generating' | 'done';

const WORDS: Record<Behaviour, Record<Phase, string>> = {
  normal: { queued: 'queued', generating: 'generating', done: 'completed' },
  legacy: { queued: 'waiting', generating: 'active', done: 'succeeded' },
  'legacy-fail': { queued: 'waiting', generating: 'active', done: 'failed' },
  'unknown-status': { queued: 'queued', generating: 'rendering', done: 'completed' },
  'video-array': { queued: 'queued', generating: 'generating', done: 'completed' },
  fail: { queued: 'queued', generating: 'generating', done: 'error' },
  'fail-detail': { queued: 'queued', generating: 'generating', done: 'error' },
  'done-without-url': { queued: 'queued', generating: 'generating', done: 'completed' },
  never: { queued: 'queued', generating: 'generating', done: 'generating' },
};

export function phaseAt(generation: SimGeneration, now: number): Phase {
  const elapsed = now - generation.createdAt;
  if (elapsed < generation.queueMs) return 'queued';
  if (generation.behaviour === 'never' || elapsed < generation.queueMs + generation.generateMs) {
    return 'generating';
  }
  return 'done';
}

/** The read answer for a generation at time `now`, in the provider's wire shape. */
export function readBody(generation: SimGeneration, now: number, file: FileInfo): Record<string, unknown> {
  const phase = phaseAt(generation, now);
  let video: unknown = null;
  let error: unknown = null;
  if (phase === 'done') {
    const videoObject = {
      url: file.url,
      content_type: 'video/mp4',
      file_name: file.fileName,
      file_size: file.fileSize,
    };
    switch (generation.behaviour) {
      case 'normal':
      case 'legacy':
      case 'unknown-status':
        video = videoObject;
        break;
      case 'video-array':
        video = [videoObject];
        break;
      case 'fail':
      case 'legacy-fail':
        error = { name: 'GenerationFailed', message: 'The video could not be generated (simulated failure).' };
        break;
      case 'fail-detail':
        error = {
          detail: [
            { loc: ['body', 'prompt'], msg: 'The prompt was rejected by the content filter (simulated).', type: 'value_error' },
          ],
        };
        break;
      case 'done-without-url':
      case 'never':
        break;
    }
  }
  return {
    id: generation.id,
    status: WORDS[generation.behaviour][phase],
    video,
    error,
    meta: { usage: { credits_used: generation.creditsUsed } },
  };
}
