import { GraphQLError } from 'graphql';
import type { Generation } from '../domain/generation.js';
import type { PagePosition } from '../domain/ports.js';
import { builder } from './builder.js';
import { VideoGenerationStatusEnum } from './enums.js';
import { decodeCursor, encodeCursor, VideoGenerationRef } from './generation.js';

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

interface Connection {
  items: Generation[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** A page of anything placed by (createdAt, id), newest first: generations, webhook deliveries. */
export interface PagedPositions {
  items: PagePosition[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** One PageInfo type for every connection (Relay cursor connections). */
export const PageInfoRef = builder.objectRef<PagedPositions>('PageInfo').implement({
  description: 'Where a page sits in the whole list (Relay cursor connections).',
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'More (older) items follow `endCursor`.' }),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage', { description: 'This page was asked for with `after`.' }),
    startCursor: t.string({
      nullable: true,
      description: 'Cursor of the first edge.',
      resolve: (c) => (c.items[0] ? encodeCursor(c.items[0]) : null),
    }),
    endCursor: t.string({
      nullable: true,
      description: 'Cursor of the last edge: pass it as `after` for the next page.',
      resolve: (c) => {
        const last = c.items[c.items.length - 1];
        return last ? encodeCursor(last) : null;
      },
    }),
  }),
});

const EdgeRef = builder.objectRef<Generation>('VideoGenerationEdge').implement({
  description: 'One generation in a page of history.',
  fields: (t) => ({
    cursor: t.string({ description: 'Stable position of this generation; survives later inserts.', resolve: (g) => encodeCursor(g) }),
    node: t.field({ type: VideoGenerationRef, description: 'The generation.', resolve: (g) => g }),
  }),
});

const ConnectionRef = builder.objectRef<Connection>('VideoGenerationConnection').implement({
  description: "A page of the calling client's generations, newest first.",
  fields: (t) => ({
    edges: t.field({ type: [EdgeRef], description: 'The generations of this page, with cursors.', resolve: (c) => c.items }),
    nodes: t.field({ type: [VideoGenerationRef], description: 'The generations of this page.', resolve: (c) => c.items }),
    pageInfo: t.field({ type: PageInfoRef, description: 'Paging state.', resolve: (c) => c }),
  }),
});

builder.queryField('videoGenerations', (t) =>
  t.field({
    type: ConnectionRef,
    description: "The calling client's generations, newest first, as a cursor connection.",
    args: {
      first: t.arg.int({ description: `Page size, 1..${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.` }),
      after: t.arg.string({ description: 'Return generations after this cursor (an `endCursor`).' }),
      status: t.arg({
        type: [VideoGenerationStatusEnum],
        description: 'Only generations in one of these statuses.',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const first = args.first ?? DEFAULT_PAGE_SIZE;
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
        throw new GraphQLError(`\`first\` must be between 1 and ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      const after = args.after ? decodeCursor(args.after) : null;
      const page = await ctx.service.list(ctx.client, { first, after, statuses: args.status ?? null });
      return { items: page.items, hasNextPage: page.hasNextPage, hasPreviousPage: after !== null };
    },
  }),
);
