/**
 * A real webhook receiver for tests: an HTTP server on 127.0.0.1 (a free port) that records every
 * request and verifies it with the `standardwebhooks` package, as a user's receiver would. What it
 * answers is decided per request by `respond` (status, delay, headers).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  /** 1-based arrival number. */
  n: number;
  id: string;
  timestamp: string;
  signature: string;
  headers: Record<string, string>;
  /** The raw body, as signed. */
  raw: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> & { id: string; status: string } };
  /** Whether `new Webhook(secret).verify(raw, headers)` accepted it (false when no secret is set yet). */
  verified: boolean;
  verifyError: string | null;
  at: number;
}

export interface Answer {
  status?: number;
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** The endpoint's `whsec_` secret, to verify with. */
  secret: string | null;
  respond: (req: ReceivedWebhook) => Answer;
  /** Resolves once `predicate` holds for the received list (polled), or rejects after `timeoutMs`. */
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number, what?: string): Promise<ReceivedWebhook[]>;
  /** Stops listening (connections refused from then on); `listen()` again on the same port. */
  close(): Promise<void>;
  listen(): Promise<void>;
}

export async function startReceiver(opts: { port?: number; path?: string } = {}): Promise<WebhookReceiver> {
  const path = opts.path ?? '/hooks/cinegraph';
  const sockets = new Set<Socket>();
  const receiver: WebhookReceiver = {
    url: '',
    port: opts.port ?? 0,
    received: [],
    secret: null,
    respond: () => ({ status: 204 }),
    async waitFor(predicate, timeoutMs = 10_000, what = 'webhooks') {
      const end = Date.now() + timeoutMs;
      while (!predicate(receiver.received)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; received ${receiver.received.length}: ${JSON.stringify(receiver.received.map((r) => [r.id, r.body.type]))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return receiver.received;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    listen: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(receiver.port, '127.0.0.1', () => {
          server.off('error', reject);
          receiver.port = (server.address() as AddressInfo).port;
          receiver.url = `http://127.0.0.1:${receiver.port}${path}`;
          resolve();
        });
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      let verified = false;
      let verifyError: string | null = null;
      if (receiver.secret) {
        try {
          new Webhook(receiver.secret).verify(raw, headers);
          verified = true;
        } catch (err) {
          verifyError = err instanceof Error ? err.message : String(err);
        }
      }
      let body: ReceivedWebhook['body'];
      try {
        body = JSON.parse(raw) as ReceivedWebhook['body'];
      } catch {
        body = { type: '(not JSON)', timestamp: '', data: { id: '', status: '' } };
      }
      const got: ReceivedWebhook = {
        n: receiver.received.length + 1,
        id: headers['webhook-id'] ?? '',
        timestamp: headers['webhook-timestamp'] ?? '',
        signature: headers['webhook-signature'] ?? '',
        headers,
        raw,
        body,
        verified,
        verifyError,
        at: Date.now(),
      };
      receiver.received.push(got);
      const answer = receiver.respond(got);
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 204, answer.headers ?? {});
        res.end();
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await receiver.listen();
  return receiver;
}
