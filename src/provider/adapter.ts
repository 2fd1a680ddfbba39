/**
 * The provider adapter: implements the domain's `Provider` port over the AI/ML API client. It
 * turns a domain input into the wire body and a wire answer into a domain reading (status
 * mapping, failures of "done without a video"), so the domain never sees the wire format.
 */
import { modelOf, type FrameImage, type GenerationInput } from '../domain/generation.js';
import type { Provider, ProviderReading } from '../domain/ports.js';
import { mapProviderStatus } from './normalize.js';
import { MODEL_IDS, modelOfProviderId, type CreateRequestBody, type ProviderGeneration, type UpstreamClient } from './wire.js';

/** The bytes of a stored upload by its name, or null when it is gone. */
export type ImageReader = (name: string) => Promise<Uint8Array | null>;

/** Thrown when a stored frame cannot be read back before a create: nothing was sent. */
export class FrameUnavailableError extends Error {
  override readonly name = 'FrameUnavailableError';
}

/**
 * The wire body of a create: the model id (MODEL_IDS, the one table of them), then the fields.
 * Frames are given as they will be sent (a URL, or a data URI), see {@link frameOnWire}.
 */
export function createBody(input: GenerationInput, frames: { image_url?: string; tail_image_url?: string } = {}): CreateRequestBody {
  const model = modelOf(input);
  return {
    model: MODEL_IDS[model],
    prompt: input.prompt,
    ...frames,
    // Image-to-video documents aspect_ratio only in some versions: sent only when the caller chose one.
    ...(input.aspectRatioGiven === false ? {} : { aspect_ratio: input.aspectRatio }),
    resolution: input.resolution,
    duration: input.duration,
    ...(input.negativePrompt !== null ? { negative_prompt: input.negativePrompt } : {}),
    ...(input.style !== null ? { style: input.style } : {}),
    ...(input.seed !== null ? { seed: input.seed } : {}),
  };
}

/** A frame as the provider takes it: the caller's URL as is (the provider fetches it), or a base64 data URI. */
export async function frameOnWire(frame: FrameImage, readImage: ImageReader | undefined): Promise<string> {
  if (frame.source === 'url') return frame.url;
  const bytes = readImage ? await readImage(frame.name) : null;
  if (!bytes) throw new FrameUnavailableError(`stored frame ${frame.name} is not readable`);
  return `data:${frame.contentType};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

async function wireFrames(input: GenerationInput, readImage: ImageReader | undefined): Promise<{ image_url?: string; tail_image_url?: string }> {
  const out: { image_url?: string; tail_image_url?: string } = {};
  if (input.firstFrame) out.image_url = await frameOnWire(input.firstFrame, readImage);
  if (input.lastFrame) out.tail_image_url = await frameOnWire(input.lastFrame, readImage);
  return out;
}

const DONE_WORDS = new Set(['completed', 'succeeded']);

/** A normalised wire answer in domain terms. */
export function toReading(g: ProviderGeneration): ProviderReading {
  const status = mapProviderStatus(g.status, Boolean(g.video?.url));
  const reading: ProviderReading = {
    id: g.id,
    status: status === 'TIMED_OUT' ? 'GENERATING' : status,
    providerStatus: g.status,
    video: status === 'COMPLETED' ? g.video : null,
    error: g.error,
    usage: g.usage,
  };
  const model = modelOfProviderId(g.id);
  // Text-to-video readings keep their original shape.
  if (model !== null && model !== 'text-to-video') reading.model = model;
  if (status === 'FAILED' && reading.error === null) {
    reading.error =
      g.video === null && DONE_WORDS.has(g.status)
        ? { code: 'NO_VIDEO', message: `The provider reported "${g.status}" but returned no video URL` }
        : { code: 'PROVIDER_ERROR', message: `The provider reported "${g.status}" without details` };
  }
  return reading;
}

export interface ProviderAdapterOptions {
  /** Reads stored uploads, to send them as data URIs. Without it only URL frames can be sent. */
  readImage?: ImageReader;
}

export function createProvider(client: UpstreamClient, options: ProviderAdapterOptions = {}): Provider {
  return {
    async create(input, callOptions) {
      const body = createBody(input, await wireFrames(input, options.readImage));
      return toReading(await client.create(body, callOptions));
    },
    async read(id, readOptions) {
      return toReading(await client.read(id, readOptions));
    },
  };
}
