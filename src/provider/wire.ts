/**
 * The AI/ML API wire format (docs/provider.md) and its normalised form. Wire types are deliberately
 * loose: every field the provider has been seen to vary is `unknown` until normalised.
 */
import type { AspectRatio, Duration, GenerationFailure, Resolution, Style, Usage, VideoFile } from '../domain/generation.js';

export const PIXVERSE_MODEL = 'pixverse/v5/text-to-video';
export const GENERATION_PATH = '/v2/generate/video/pixverse/generation';

/** Body of a create request, exactly as sent to the provider. */
export interface CreateRequestBody {
  model: typeof PIXVERSE_MODEL;
  prompt: string;
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
  create(body: Omit<CreateRequestBody, 'model'>, options?: { requestId?: string }): Promise<ProviderGeneration>;
  /** Reads a generation; retried on transient faults. Throws UpstreamError (status 404 when unknown). */
  read(id: string, options?: { requestId?: string; signal?: AbortSignal }): Promise<ProviderGeneration>;
}
