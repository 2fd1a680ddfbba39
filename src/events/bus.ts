/**
 * The transition bus adapter: implements the domain's `TransitionBus` port on a typed pub/sub
 * (graphql-yoga's `createPubSub`) over an EventTarget: in memory on one instance, Redis
 * (`@graphql-yoga/redis-event-target`) in a cluster.
 */
import { setMaxListeners } from 'node:events';
import { createPubSub, type PubSubEventTarget } from '@graphql-yoga/subscription';
import type { Generation } from '../domain/generation.js';
import type { TransitionBus } from '../domain/ports.js';

export type Topics = {
  /** Every status transition of one generation, keyed by its id. */
  'generation:transition': [id: string, generation: Generation];
  /** The store no longer holds this generation. */
  'generation:removed': [id: string, removed: { id: string }];
};

export type TransitionEventTarget = PubSubEventTarget<Topics>;

/** `eventTarget` is a distributed target in cluster mode; an in-memory one by default. */
export function createTransitionBus(eventTarget?: TransitionEventTarget): TransitionBus {
  const target: TransitionEventTarget = eventTarget ?? new EventTarget();
  // Every subscriber is a listener on one target: thousands are expected, not a leak.
  if (!eventTarget) setMaxListeners(0, target as EventTarget);
  const pubsub = createPubSub<Topics>({ eventTarget: target });
  const raw = target as unknown as EventTarget;
  return {
    publish(gen) {
      pubsub.publish('generation:transition', gen.id, gen);
    },
    publishRemoved(id) {
      pubsub.publish('generation:removed', id, { id });
    },
    subscribe(id, listener) {
      // One listener straight on the target: no async iterator per subscriber on the delivery path.
      const type = `generation:transition:${id}`;
      const removedType = `generation:removed:${id}`;
      const onEvent = (event: Event): void => listener((event as CustomEvent<Generation>).detail);
      const onRemoved = (): void => listener(null);
      raw.addEventListener(type, onEvent);
      raw.addEventListener(removedType, onRemoved);
      return () => {
        raw.removeEventListener(type, onEvent);
        raw.removeEventListener(removedType, onRemoved);
      };
    },
  };
}
