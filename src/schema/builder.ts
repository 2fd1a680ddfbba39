/** The Pothos builder: the one module-level singleton the house style allows. */
import SchemaBuilder from '@pothos/core';
import type { GenerationService } from '../generations/service.js';

/** What every resolver receives, on every transport. */
export interface GatewayContext {
  /** The authenticated client (or the single default client when the gateway runs open). */
  client: string;
  /** Correlates logs and the provider call of one operation. */
  requestId: string;
  service: GenerationService;
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
  };
}>({
  defaultFieldNullability: false,
});
