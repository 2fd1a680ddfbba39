/**
 * The bare reference: graphql-yoga with graphql-ws (yoga's documented `useServer` recipe) and
 * yoga's in-memory `createPubSub`, answering the same-shaped schema from memory. No gateway
 * logic: no store, no provider, no limits, no auth, no metrics, no logging.
 *
 * Control routes (beside /graphql):
 *   POST /__create   { count, status? } → { ids }: in-memory generations (QUEUED unless told)
 *   POST /__advance  { steps: [{ status, providerStatus, afterMs }], spreadMs }: for every
 *                    generation, each step is published `afterMs` later, the generations spread
 *                    evenly over `spreadMs` (as the gateway's pollers spread over an interval).
 *   POST /__replay   { events: [{ index, status, providerStatus, offsetMs }] }: publishes each
 *                    event `offsetMs` from now on the index-th generation created: the gateway's
 *                    transitions of the same run, replayed with the same timing.
 * Each published state stamps its transition `at` with the publish time.
 * Prints one JSON line { type: "ready", url } once listening (PORT, default 0).
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionArgs } from 'graphql';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

interface Transition {
  status: string;
  providerStatus: string;
  at: string;
}
interface Gen {
  id: string;
  status: string;
  providerStatus: string;
  prompt: string;
  progress: number;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  video: { url: string; contentType: string | null; fileName: string | null; fileSize: number | null } | null;
  error: { code: string; message: string } | null;
  transitions: Transition[];
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT']);
const generations = new Map<string, Gen>();
const target = new EventTarget();
// Thousands of listeners on one topic are the point here, not a leak.
setMaxListeners(0, target);
const pubsub = createPubSub<{ transition: [id: string, gen: Gen] }>({ eventTarget: target });

const typeDefs = /* GraphQL */ `
  enum VideoGenerationStatus { QUEUED GENERATING COMPLETED FAILED TIMED_OUT }
  type Video { url: String! contentType: String fileName: String fileSize: Int }
  type GenerationError { code: String! message: String! }
  type StatusTransition { status: VideoGenerationStatus! providerStatus: String! at: String! }
  type VideoGeneration {
    id: ID!
    status: VideoGenerationStatus!
    providerStatus: String!
    prompt: String!
    progress: Float!
    createdAt: String!
    updatedAt: String!
    completedAt: String
    video: Video
    error: GenerationError
    transitions: [StatusTransition!]!
  }
  type Query { videoGeneration(id: ID!): VideoGeneration }
  type Subscription { videoGenerationUpdates(id: ID!): VideoGeneration! }
`;

const schema = createSchema({
  typeDefs,
  resolvers: {
    Query: {
      videoGeneration: (_: unknown, { id }: { id: string }) => generations.get(id) ?? null,
    },
    Subscription: {
      videoGenerationUpdates: {
        // The current state first, then every published state; done after a terminal one.
        subscribe: (_: unknown, { id }: { id: string }) => {
          const current = generations.get(id);
          if (!current) throw new Error(`no generation ${id}`);
          const source = pubsub.subscribe('transition', id);
          return (async function* () {
            try {
              yield current;
              if (TERMINAL.has(current.status)) return;
              for await (const gen of source) {
                yield gen;
                if (TERMINAL.has(gen.status)) return;
              }
            } finally {
              await source.return?.();
            }
          })();
        },
        resolve: (gen: Gen) => gen,
      },
    },
  },
});

const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', logging: false, landingPage: false, graphiql: false });

function newGen(i: number, status: string): Gen {
  const now = new Date().toISOString();
  const done = status === 'COMPLETED';
  return {
    id: `ref-${i}:pixverse/v5/text-to-video`,
    status,
    providerStatus: done ? 'completed' : 'queued',
    prompt: 'A lighthouse on a cliff at dawn, waves crashing below',
    progress: done ? 1 : 0,
    createdAt: now,
    updatedAt: now,
    completedAt: done ? now : null,
    video: done ? { url: `http://127.0.0.1/files/ref-${i}.mp4`, contentType: 'video/mp4', fileName: `ref-${i}.mp4`, fileSize: 1048576 } : null,
    error: null,
    transitions: done
      ? [
          { status: 'QUEUED', providerStatus: 'queued', at: now },
          { status: 'GENERATING', providerStatus: 'generating', at: now },
          { status: 'COMPLETED', providerStatus: 'completed', at: now },
        ]
      : [{ status: 'QUEUED', providerStatus: 'queued', at: now }],
  };
}

let created = 0;
function publishStep(id: string, status: string, providerStatus: string): void {
  const prev = generations.get(id);
  if (!prev) return;
  const at = new Date().toISOString();
  const next: Gen = {
    ...prev,
    status,
    providerStatus,
    updatedAt: at,
    progress: status === 'COMPLETED' ? 1 : 0.5,
    completedAt: TERMINAL.has(status) ? at : null,
    video: status === 'COMPLETED' ? { url: `http://127.0.0.1/files/${id}.mp4`, contentType: 'video/mp4', fileName: 'v.mp4', fileSize: 1048576 } : null,
    transitions: [...prev.transitions, { status, providerStatus, at }],
  };
  generations.set(id, next);
  pubsub.publish('transition', id, next);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (path === '/health') return send(res, 200, { status: 'ok' });
  const body = await readBody(req);
  if (path === '/__create') {
    const count = Number(body.count ?? 1);
    const status = String(body.status ?? 'QUEUED');
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const g = newGen(created++, status);
      generations.set(g.id, g);
      ids.push(g.id);
    }
    return send(res, 200, { ids });
  }
  if (path === '/__advance') {
    const steps = body.steps as { status: string; providerStatus: string; afterMs: number }[];
    const spreadMs = Number(body.spreadMs ?? 0);
    const ids = [...generations.values()].filter((g) => !TERMINAL.has(g.status)).map((g) => g.id);
    ids.forEach((id, i) => {
      const offset = ids.length > 0 ? Math.round((i * spreadMs) / ids.length) : 0;
      for (const s of steps) setTimeout(() => publishStep(id, s.status, s.providerStatus), offset + s.afterMs);
    });
    return send(res, 200, { scheduled: ids.length });
  }
  if (path === '/__replay') {
    const events = body.events as { index: number; status: string; providerStatus: string; offsetMs: number }[];
    const ids = [...generations.keys()];
    for (const e of events) {
      const id = ids[e.index];
      if (id) setTimeout(() => publishStep(id, e.status, e.providerStatus), Math.max(0, e.offsetMs));
    }
    return send(res, 200, { scheduled: events.length });
  }
  send(res, 404, { message: 'not found' });
}

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/health' || path.startsWith('/__')) {
    control(req, res, path).catch((err: unknown) => send(res, 500, { message: String(err) }));
    return;
  }
  void yoga(req, res);
});

// yoga's graphql-ws recipe: every operation through yoga's envelop pipeline.
type EnvelopedArgs = ExecutionArgs & { rootValue: { execute: (a: ExecutionArgs) => unknown; subscribe: (a: ExecutionArgs) => unknown } };
const wss = new WebSocketServer({ server, path: '/graphql' });
useServer(
  {
    execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
    subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
    onSubscribe: async (ctx, _id, params) => {
      const { schema: s, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
        ...ctx,
        req: ctx.extra.request,
        socket: ctx.extra.socket,
        params,
      });
      const args: EnvelopedArgs = {
        schema: s,
        operationName: params.operationName ?? null,
        document: parse(params.query),
        variableValues: params.variables ?? null,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      const errors = validate(args.schema, args.document);
      if (errors.length) return errors;
      return args;
    },
  },
  wss,
);

await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
console.log(JSON.stringify({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));

const shutdown = (): void => {
  for (const c of wss.clients) c.terminate();
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
