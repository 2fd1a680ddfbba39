/**
 * Where webhooks may go: the address classification, the checks at registration, and the check
 * at connection time that catches DNS rebinding (a name that resolved to a public address when
 * the endpoint was registered and resolves to a private one at delivery).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWebhookUrl, isBlockedAddress, postWebhook, type Resolver } from '../../src/webhooks/index.js';

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '2002:c0a8:0101::1',
    '[::1]',
    'not-an-address',
  ])('refuses %s', (a) => expect(isBlockedAddress(a)).toBe(true));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (a) =>
    expect(isBlockedAddress(a)).toBe(false),
  );
});

const publicResolver: Resolver = async () => [{ address: '93.184.216.34', family: 4 }];

describe('checkWebhookUrl', () => {
  it('accepts a public https URL and returns it normalised', async () => {
    expect(await checkWebhookUrl(' https://Example.COM/hooks?x=1 ', { allowPrivate: false, resolve: publicResolver })).toBe('https://example.com/hooks?x=1');
  });

  it.each([
    ['http://example.com/', /https:/],
    ['https://127.0.0.1/', /loopback, private or link-local/],
    ['https://localhost:8443/', /this machine/],
    ['https://a.localhost/', /this machine/],
    ['https://[::1]/', /loopback/],
    ['https://user:pw@example.com/', /user name or password/],
    ['https://example.com/#frag', /fragment/],
    ['file:///etc/passwd', /https:/],
    ['https://', /valid absolute URL/],
    [`https://example.com/${'a'.repeat(2100)}`, /longer than/],
  ])('refuses %s', async (url, why) => {
    await expect(checkWebhookUrl(url, { allowPrivate: false, resolve: publicResolver })).rejects.toThrow(why);
  });

  it('refuses a name that resolves to any private address, or to nothing', async () => {
    const mixed: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    await expect(checkWebhookUrl('https://internal.example/', { allowPrivate: false, resolve: mixed })).rejects.toThrow(/10\.0\.0\.7/);
    const nxdomain: Resolver = async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    await expect(checkWebhookUrl('https://nowhere.example/', { allowPrivate: false, resolve: nxdomain })).rejects.toThrow(/does not resolve \(ENOTFOUND\)/);
  });

  it('allows http: and private targets with the override', async () => {
    expect(await checkWebhookUrl('http://127.0.0.1:9999/hook', { allowPrivate: true })).toBe('http://127.0.0.1:9999/hook');
  });
});

describe('postWebhook: the address is checked when connecting', () => {
  let server: http.Server | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  async function localServer(): Promise<{ port: number; connections: () => number; requests: () => number }> {
    let connections = 0;
    let requests = 0;
    server = http.createServer((_req, res) => {
      requests++;
      res.writeHead(200).end();
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return { port: (server.address() as AddressInfo).port, connections: () => connections, requests: () => requests };
  }

  it('refuses a name that now resolves to a loopback address (DNS rebinding), before any connection', async () => {
    const local = await localServer();
    // Registration saw a public address...
    let answer = '93.184.216.34';
    const rebinding: Resolver = async () => [{ address: answer, family: 4 }];
    const url = await checkWebhookUrl(`https://rebind.example:${local.port}/hook`, { allowPrivate: false, resolve: rebinding });
    // ...delivery sees loopback.
    answer = '127.0.0.1';
    const r = await postWebhook(url, { 'content-type': 'application/json' }, '{}', { timeoutMs: 2000, policy: { allowPrivate: false, resolve: rebinding } });
    expect(r.outcome).toBe('refused');
    expect(r.error).toMatch(/rebind\.example resolved to 127\.0\.0\.1/);
    expect(local.connections()).toBe(0);
  });

  it('refuses an address literal that is private, and http: without the override', async () => {
    const local = await localServer();
    const a = await postWebhook(`https://127.0.0.1:${local.port}/`, {}, '{}', { timeoutMs: 2000, policy: { allowPrivate: false } });
    const b = await postWebhook(`http://93.184.216.34/`, {}, '{}', { timeoutMs: 2000, policy: { allowPrivate: false } });
    expect([a.outcome, b.outcome]).toEqual(['refused', 'refused']);
    expect(local.connections()).toBe(0);
  });

  it('connects to a private address with the override, and does not follow redirects', async () => {
    const local = await localServer();
    const ok = await postWebhook(`http://rebind.example:${local.port}/`, {}, '{}', {
      timeoutMs: 2000,
      policy: { allowPrivate: true, resolve: async () => [{ address: '127.0.0.1', family: 4 }] },
    });
    expect(ok).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    server!.removeAllListeners('request');
    server!.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end());
    const moved = await postWebhook(`http://127.0.0.1:${local.port}/`, {}, '{}', { timeoutMs: 2000, policy: { allowPrivate: true } });
    expect(moved).toMatchObject({ outcome: 'http_error', statusCode: 302, error: 'HTTP 302: redirects are not followed' });
    expect(local.requests()).toBe(1);
  });
});
