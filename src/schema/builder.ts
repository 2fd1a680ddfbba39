/** The Pothos builder: the one module-level singleton the house style allows. */
import SchemaBuilder from '@pothos/core';
import type { Principal } from '../domain/principal.js';
import type { UploadedImage } from '../domain/images.js';
import type { GenerationService } from '../generations/service.js';
import type { WebhookService } from '../webhooks/service.js';

/** What every resolver receives, on every transport. */
export interface GatewayContext {
  /**
   * The caller's owner string, which everything it creates is kept under: a service's client
   * name, an end user's `jwt:<issuer>:<subject>`, or the single default client of an open gateway.
   */
  client: string;
  /** Who the caller is: the owner above, its kind, and when its credential expires. */
  viewer: Principal;
  /** Correlates logs and the provider call of one operation. */
  requestId: string;
  service: GenerationService;
  /** Webhook endpoints and deliveries; absent when the server was built without them. */
  webhooks?: WebhookService;
  /** The clock progress estimates are computed against. */
  now: () => number;
  /** The gateway's public base URL, for links to archived videos. */
  publicUrl: () => string;
  /** How this operation arrived: 'ws' (graphql-ws), 'sse' or 'http'. */
  transport: 'ws' | 'sse' | 'http';
  /** Set by `videoGeneration` when it read a generation that has not finished (or none). */
  answer?: 'live';
  /** Finished generations `videoGeneration` read, as the store handed them out. */
  finishedReads?: { id: string; gen: unknown }[];
}

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | number };
    /** A GraphQL multipart request upload (a WHATWG File); input only. */
    File: { Input: UploadedImage; Output: never };
  };
}>({
  defaultFieldNullability: false,
});
