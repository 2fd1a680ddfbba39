/**
 * Webhooks through the API: the events and bodies, the signature a receiver checks, refused
 * targets, owner scoping and paging, against the real gateway and a verifying receiver.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Provider, ProviderReading } from '../../src/domain/ports.js';
import { waitFor } from '../utils/gateway.js';
import {
  CREATE,
  DELETE,
  deliveries,
  DELIVERIES,
  ENDPOINTS,
  gateway,
  generate,
  receiver,
  REDELIVER,
  register,
  runCleanups,
  type DeliveryPage,
} from '../utils/webhook-helpers.js';

afterEach(runCleanups);

describe('webhooks API', () => {
  it('refuses http://127.0.0.1 and other private targets without WEBHOOK_ALLOW_PRIVATE', async () => {
    const gw = await gateway({ WEBHOOK_ALLOW_PRIVATE: 'false' });
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://[::1]/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://10.1.2.3/hook',
      'https://[::ffff:192.168.0.1]/hook',
      'ftp://example.com/hook',
      'not a url',
    ]) {
      const { body } = await gw.gql<{ createWebhookEndpoint: { endpoint: unknown; secret: unknown; userErrors: { code: string; field: string[] }[] } }>(CREATE, {
        input: { url },
      });
      const p = body.data?.createWebhookEndpoint;
      expect(p?.endpoint, url).toBeNull();
      expect(p?.secret, url).toBeNull();
      expect(p?.userErrors[0], url).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'url'] });
    }
    const { body } = await gw.gql<{ webhookEndpoints: unknown[] }>(ENDPOINTS);
    expect(body.data?.webhookEndpoints).toEqual([]);
  });

  it('signs the body: a tampered body fails verification on the receiver', async () => {
    const gw = await gateway();
    const rx = await receiver();
    const ep = await register(gw, rx.url);
    rx.secret = ep.secret;
    await generate(gw, 'sealed with a signature');
    const [got] = await rx.waitFor((r) => r.length >= 1);
    const wh = new Webhook(ep.secret);
    expect(() => wh.verify(got!.raw, got!.headers)).not.toThrow();
    const tampered = got!.raw.replace('"COMPLETED"', '"FAILED"');
    expect(tampered).not.toBe(got!.raw);
    expect(() => wh.verify(tampered, got!.headers)).toThrow(/signature/i);
    // Another id, or another secret, fails too.
    expect(() => wh.verify(got!.raw, { ...got!.headers, 'webhook-id': 'msg_other' })).toThrow();
    const other = await register(gw, `${rx.url}/other`);
    expect(() => new Webhook(other.secret).verify(got!.raw, got!.headers)).toThrow();
  });

  it("scopes endpoints and deliveries to their client: another client's answer like unknown ids", async () => {
    const A = { authorization: 'Bearer token-of-alice-0123456789' };
    const B = { authorization: 'Bearer token-of-bob-0123456789ab' };
    const gw = await gateway({ GATEWAY_TOKENS: 'alice:token-of-alice-0123456789,bob:token-of-bob-0123456789ab' });
    const rx = await receiver();
    const ep = await register(gw, rx.url, undefined, A);
    rx.secret = ep.secret;
    await generate(gw, "alice's", A);
    await generate(gw, "bob's: no endpoint, no webhook", B);
    await rx.waitFor((r) => r.length >= 1);
    const [d] = await waitFor(async () => {
      const ds = await deliveries(gw, ep.id, A);
      return ds.length > 0 ? ds : null;
    });

    const listB = await gw.gql<{ webhookEndpoints: unknown[] }>(ENDPOINTS, {}, B);
    expect(listB.body.data?.webhookEndpoints).toEqual([]);
    const foreign = await gw.gql(DELIVERIES, { endpointId: ep.id }, B);
    const unknown = await gw.gql(DELIVERIES, { endpointId: 'ep_000000000000000000000000' }, B);
    expect(foreign.body.errors?.[0]?.extensions).toEqual(unknown.body.errors?.[0]?.extensions);
    expect(foreign.body.errors?.[0]?.message.replace(ep.id, 'X')).toBe(unknown.body.errors?.[0]?.message.replace('ep_000000000000000000000000', 'X'));
    const delB = await gw.gql<{ deleteWebhookEndpoint: { deletedEndpointId: string | null; userErrors: unknown[] } }>(DELETE, { id: ep.id }, B);
    const delUnknown = await gw.gql<{ deleteWebhookEndpoint: unknown }>(DELETE, { id: 'ep_000000000000000000000000' }, B);
    expect(delB.body.data?.deleteWebhookEndpoint).toEqual(delUnknown.body.data?.deleteWebhookEndpoint);
    expect(delB.body.data?.deleteWebhookEndpoint.deletedEndpointId).toBeNull();
    const reB = await gw.gql<{ redeliverWebhook: unknown }>(REDELIVER, { id: d!.id }, B);
    const reUnknown = await gw.gql<{ redeliverWebhook: unknown }>(REDELIVER, { id: 'msg_unknown' }, B);
    expect(reB.body.data?.redeliverWebhook).toEqual(reUnknown.body.data?.redeliverWebhook);
    expect(rx.received).toHaveLength(1);

    // Its owner deletes it, with its deliveries.
    const delA = await gw.gql<{ deleteWebhookEndpoint: { deletedEndpointId: string | null } }>(DELETE, { id: ep.id }, A);
    expect(delA.body.data?.deleteWebhookEndpoint.deletedEndpointId).toBe(ep.id);
    const after = await gw.gql(DELIVERIES, { endpointId: ep.id }, A);
    expect(after.body.data ?? null).toBeNull();
    expect(after.body.errors?.[0]?.extensions).toEqual(unknown.body.errors?.[0]?.extensions);
  });

  it('pages deliveries newest first with stable cursors', async () => {
    const gw = await gateway();
    const rx = await receiver();
    const ep = await register(gw, rx.url, ['VIDEO_GENERATION_STATUS_CHANGED']);
    rx.secret = ep.secret;
    await Promise.all([generate(gw, 'one'), generate(gw, 'two'), generate(gw, 'three')]);
    // Every generation changes status at least once (to COMPLETED): at least three deliveries.
    await rx.waitFor((r) => r.filter((x) => x.body.data.status === 'COMPLETED').length === 3);
    const all = await waitFor(async () => {
      const ds = await deliveries(gw, ep.id);
      return ds.length === rx.received.length && ds.every((d) => d.status === 'DELIVERED') ? ds : null;
    }, 8000, 'every delivery DELIVERED');
    expect(all.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res: { body: { data?: { webhookDeliveries: DeliveryPage } } } = await gw.gql<{ webhookDeliveries: DeliveryPage }>(DELIVERIES, {
        endpointId: ep.id,
        first: 2,
        ...(after ? { after } : {}),
      });
      const page: DeliveryPage = res.body.data!.webhookDeliveries;
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((d) => d.id));
  });

  it('sends the completed event of a generation the provider answers finished at once, from its first save', async () => {
    const done: ProviderReading = {
      id: 'instant:1/a',
      status: 'COMPLETED',
      providerStatus: 'completed',
      video: { url: 'https://cdn.example/instant.mp4', contentType: 'video/mp4', fileName: null, fileSize: 42 },
      error: null,
      usage: null,
    };
    const provider: Provider = { create: async () => done, read: async () => done };
    const gw = await gateway({}, { deps: { provider } });
    const rx = await receiver();
    const ep = await register(gw, rx.url, ['VIDEO_GENERATION_COMPLETED', 'VIDEO_GENERATION_STATUS_CHANGED']);
    rx.secret = ep.secret;
    expect(await generate(gw, 'already there')).toBe('instant:1/a');
    await rx.waitFor((r) => r.length >= 2);
    await waitFor(async () => (await deliveries(gw, ep.id)).every((d) => d.status === 'DELIVERED'), 5000, 'delivered');
    expect(rx.received.map((r) => [r.body.type, r.body.data.status]).sort()).toEqual([
      ['video_generation.completed', 'COMPLETED'],
      ['video_generation.status_changed', 'COMPLETED'],
    ]);
    expect(rx.received.every((r) => r.verified)).toBe(true);
  });
});
