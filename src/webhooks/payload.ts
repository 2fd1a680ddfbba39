/**
 * The body of a webhook (README: Webhooks, Standard Webhooks): the event type, when it happened, and
 * the generation's state in the same words as the GraphQL API.
 */
import type { Generation, VideoFile } from '../domain/generation.js';
import { generationProgress } from '../domain/progress.js';
import type { WebhookEventType } from '../domain/webhooks.js';

export interface WebhookBody {
  type: WebhookEventType;
  /** When the event happened (ISO-8601). */
  timestamp: string;
  data: {
    id: string;
    status: Generation['status'];
    providerStatus: string;
    /** TEXT_TO_VIDEO, IMAGE_TO_VIDEO or TRANSITION, as `VideoGeneration.model`. */
    model: string;
    prompt: string;
    progress: number;
    createdAt: string;
    completedAt: string | null;
    video: { url: string; contentType: string | null; fileSize: number | null } | null;
    error: { code: string; message: string } | null;
  };
}

export interface BodyOptions {
  now: number;
  /** The URL clients fetch a video at (the gateway's own archive URL when archiving is on). */
  videoUrl: (video: VideoFile) => string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function webhookBody(type: WebhookEventType, gen: Generation, opts: BodyOptions): WebhookBody {
  // Inputs saved before the image models existed carry no model: they are text-to-video.
  const model = ((gen.input as { model?: string }).model ?? 'text-to-video').toUpperCase().replace(/-/g, '_');
  const video = gen.status === 'COMPLETED' && gen.video ? gen.video : null;
  const error = (gen.status === 'FAILED' || gen.status === 'TIMED_OUT') && gen.error ? gen.error : null;
  return {
    type,
    timestamp: new Date(opts.now).toISOString(),
    data: {
      id: gen.id,
      status: gen.status,
      providerStatus: gen.providerStatus,
      model,
      prompt: gen.input.prompt,
      progress: generationProgress(gen, opts.now),
      createdAt: new Date(gen.createdAt).toISOString(),
      completedAt: iso(gen.completedAt),
      video: video ? { url: opts.videoUrl(video), contentType: video.contentType, fileSize: video.fileSize } : null,
      error: error ? { code: error.code, message: error.message } : null,
    },
  };
}
