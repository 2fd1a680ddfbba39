/**
 * Relay's object identification: `interface Node { id: ID! }` with `node(id:)` and `nodes(ids:)`,
 * so Relay's `@refetchable` fragments (and any client cache keyed by `id`) can refetch an object
 * by its id alone.
 *
 * A Node's id is globally unique without an encoded type prefix: VideoGeneration is the only
 * Node type, and its id is the provider's generation id unchanged (as the contract fixes it), so
 * `node(id:)` takes exactly the id `videoGeneration(id:)` takes. A type added to Node later gets
 * ids that cannot be mistaken for a provider's (a prefix such as `webhook:`), resolved here.
 *
 * Isolation is `videoGeneration`'s: another client's id answers null, as an unknown id does.
 */
import { GraphQLError } from 'graphql';
import type { Generation } from '../domain/generation.js';
import { builder } from './builder.js';

/** What a Node is in resolvers: today, a generation. */
export type NodeShape = Generation;

/** Most ids one `nodes` call may ask for. */
export const MAX_NODES = 100;

export const NodeRef = builder.interfaceRef<NodeShape>('Node').implement({
  description:
    "An object with a global id (Relay's Node interface): `node(id:)` refetches it by that id alone.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'A globally unique id; pass it to `node(id:)` to refetch the object.' }),
  }),
  // The one Node type so far.
  resolveType: () => 'VideoGeneration',
});

builder.queryFields((t) => ({
  node: t.field({
    type: NodeRef,
    nullable: true,
    description:
      'The object with this global id (a VideoGeneration\'s id is the provider\'s generation id); null when none exists or it belongs to another client, as for `videoGeneration`.',
    args: { id: t.arg.id({ required: true, description: 'A global id, as a Node\'s `id` field gives it.' }) },
    resolve: (_root, args, ctx) => ctx.service.get(ctx.client, String(args.id)),
  }),
  nodes: t.field({
    type: [NodeRef],
    nullable: { list: false, items: true },
    description: `The objects with these global ids, in the same order; null in place of each one that does not exist or belongs to another client. At most ${MAX_NODES} ids.`,
    args: { ids: t.arg.idList({ required: true, description: `Global ids, as Nodes' \`id\` fields give them (at most ${MAX_NODES}).` }) },
    resolve: async (_root, args, ctx) => {
      if (args.ids.length > MAX_NODES) {
        throw new GraphQLError(`\`ids\` may hold at most ${MAX_NODES} ids, got ${args.ids.length}`, {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      return Promise.all(args.ids.map((id) => ctx.service.get(ctx.client, String(id))));
    },
  }),
}));
