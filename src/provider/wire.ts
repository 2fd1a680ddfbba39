/**
 * The AI/ML API wire format (docs/provider.md) and its normalised form. Wire types are deliberately
 * loose: every field the provider has been seen to vary is `unknown` until normalised.
 */
import type { AspectRatio, Duration, GenerationFailure, Resolution, Style, Usage, VideoFile, VideoModel } from '../domain/generation.js';

/**
 * The provider's model id for each model: the one place a model id is chosen. The vendor path
 * below serves all three.
 */
export const MODEL_IDS = {
  'text-to-video': 'pixverse/v5/text-to-video',
  'image-to-video': 'pixverse/v5/image-to-video',
  transition: 'pixverse/v5/transition',
} as const satisfies Record<VideoModel, string>;

export type ModelId = (typeof MODEL_IDS)[VideoModel];

/** The model a provider id names (`…:pixverse/v5/transition`), or null when it names none. */
export function modelOfProviderId(id: string): VideoModel | null {
  for (const [model, modelId] of Object.entries(MODEL_IDS) as [VideoModel, string][]) {
    if (id.endsWith(`:${modelId}`)) return model;
  }
  return null;
}

/** The model a create without one is sent to. */
export const PIXVERSE_MODEL = MODEL_IDS['text-to-video'];
export const GENERATION_PATH = '/v2/generate/video/pixverse/generation';

/** Body of a create request, exactly as sent to the provider. */
export interface CreateRequestBody {
  model: ModelId;
  prompt: string;
  /** The first frame: an http(s) URL the provider fetches, or a base64 data URI. */
  image_url?: string;
  /** The last frame (transition only), the same way. */
  tail_image_url?: string;
  aspect_ratio?: AspectRatio;
  resolution?: Resolution;
  duration?: Duration;
  negative_prompt?: string;
  style?: Style;
  seed?: number;
}

/** What the provider answers, loosely typed (any field may be missing or of another shape). */
export interface WireGeneration {
  id?: unknown;
  status?: unknown;
  video?: unknown;
  error?: unknown;
  meta?: unknown;
}

/** The provider's HTTP error body. `statusCode` arrives as a string. */
export interface WireErrorBody {
  message?: unknown;
  path?: unknown;
  requestId?: unknown;
  statusCode?: unknown;
  timestamp?: unknown;
}

/** A provider answer after tolerant normalisation. */
export interface ProviderGeneration {
  id: string;
  /** The provider's status word, lower-cased and trimmed; may be a word nobody documented. */
  status: string;
  video: VideoFile | null;
  error: GenerationFailure | null;
  usage: Usage | null;
}

/** The upstream client as the rest of the gateway sees it. */
export interface UpstreamClient {
  /**
   * Starts a generation. Never retried once the request may have reached the provider: a create
   * costs money. Throws UpstreamError.
   */
  create(body: Omit<CreateRequestBody, 'model'> & { model?: ModelId }, options?: { requestId?: string }): Promise<ProviderGeneration>;
  /** Reads a generation; retried on transient faults. Throws UpstreamError (status 404 when unknown). */
  read(id: string, options?: { requestId?: string; signal?: AbortSignal }): Promise<ProviderGeneration>;
}
