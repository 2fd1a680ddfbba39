/**
 * The provider adapter: implements the domain's `Provider` port over the AI/ML API client. It
 * turns a domain input into the wire body and a wire answer into a domain reading (status
 * mapping, failures of "done without a video"), so the domain never sees the wire format.
 */
import type { GenerationInput } from '../domain/generation.js';
import type { Provider, ProviderReading } from '../domain/ports.js';
import { mapProviderStatus } from './normalize.js';
import type { CreateRequestBody, ProviderGeneration, UpstreamClient } from './wire.js';

/** The wire body of a create, without the model id (the client adds it). */
export function createBody(input: GenerationInput): Omit<CreateRequestBody, 'model'> {
  return {
    prompt: input.prompt,
    aspect_ratio: input.aspectRatio,
    resolution: input.resolution,
    duration: input.duration,
    ...(input.negativePrompt !== null ? { negative_prompt: input.negativePrompt } : {}),
    ...(input.style !== null ? { style: input.style } : {}),
    ...(input.seed !== null ? { seed: input.seed } : {}),
  };
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
  if (status === 'FAILED' && reading.error === null) {
    reading.error =
      g.video === null && DONE_WORDS.has(g.status)
        ? { code: 'NO_VIDEO', message: `The provider reported "${g.status}" but returned no video URL` }
        : { code: 'PROVIDER_ERROR', message: `The provider reported "${g.status}" without details` };
  }
  return reading;
}

export function createProvider(client: UpstreamClient): Provider {
  return {
    async create(input, options) {
      return toReading(await client.create(createBody(input), options));
    },
    async read(id, options) {
      return toReading(await client.read(id, options));
    },
  };
}
