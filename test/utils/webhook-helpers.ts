/**
 * Shared pieces of the webhook integration tests: the operations, a gateway with webhooks to
 * 127.0.0.1 allowed and a short retry schedule, a verifying receiver, and small helpers.
 */
import { pino, type Logger } from 'pino';
import { GENERATE, startGateway, type TestGateway } from './gateway.js';
import { startReceiver, type WebhookReceiver } from './webhook-receiver.js';

export const CREATE = /* GraphQL */ `
  mutation Create($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      endpoint { id url events createdAt disabledAt }
      secret
      userErrors { code message field }
    }
  }
`;
export const ENDPOINTS = /* GraphQL */ `
  query { webhookEndpoints { id url events createdAt disabledAt } }
`;
export const DELIVERIES = /* GraphQL */ `
  query Deliveries($endpointId: ID!, $first: Int, $after: String) {
    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after) {
      nodes { id eventType generationId status attempts lastStatusCode lastError nextAttemptAt deliveredAt createdAt }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
export const DELETE = /* GraphQL */ `
  mutation Delete($id: ID!) { deleteWebhookEndpoint(id: $id) { deletedEndpointId userErrors { code message field } } }
`;
export const REDELIVER = /* GraphQL */ `
  mutation Redeliver($id: ID!) {
    redeliverWebhook(deliveryId: $id) { delivery { id status nextAttemptAt } userErrors { code message field } }
  }
`;

export interface Delivery {
  id: string;
  eventType: string;
  generationId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface DeliveryPage {
  nodes: Delivery[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export type LogLine = Record<string, unknown> & { msg: string };

/** A pino logger writing parsed JSON lines into `lines`. */
export function capturingLogger(lines: LogLine[]): Logger {
  return pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
}

/** Run after each test by the test files (afterEach), last registered first. */
export const cleanups: Array<() => Promise<void>> = [];
export async function runCleanups(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

export async function gateway(env: Record<string, string> = {}, extra: Parameters<typeof startGateway>[0] = {}): Promise<TestGateway> {
  const gw = await startGateway({
    ...extra,
    env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_SCHEDULE: '50,50,50,50,50', ARCHIVE_VIDEOS: 'false', ...env },
  });
  cleanups.push(() => gw.stop());
  return gw;
}

export async function receiver(): Promise<WebhookReceiver> {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

export async function register(gw: TestGateway, url: string, events?: string[], headers?: Record<string, string>): Promise<{ id: string; secret: string }> {
  const { body } = await gw.gql<{ createWebhookEndpoint: { endpoint: { id: string } | null; secret: string | null; userErrors: unknown[] } }>(
    CREATE,
    { input: { url, ...(events ? { events } : {}) } },
    headers,
  );
  const p = body.data?.createWebhookEndpoint;
  if (!p?.endpoint || !p.secret) throw new Error(`registration failed: ${JSON.stringify(body)}`);
  return { id: p.endpoint.id, secret: p.secret };
}

export async function generate(gw: TestGateway, prompt: string, headers?: Record<string, string>): Promise<string> {
  const { body } = await gw.gql<{ generateVideo: { generation: { id: string } | null } }>(GENERATE, { input: { prompt } }, headers);
  const id = body.data?.generateVideo.generation?.id;
  if (!id) throw new Error(`generate failed: ${JSON.stringify(body)}`);
  return id;
}

export async function deliveries(gw: TestGateway, endpointId: string, headers?: Record<string, string>): Promise<Delivery[]> {
  const { body } = await gw.gql<{ webhookDeliveries: { nodes: Delivery[] } }>(DELIVERIES, { endpointId, first: 100 }, headers);
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.webhookDeliveries.nodes;
}
