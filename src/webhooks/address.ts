/**
 * Where webhooks may go. Endpoint URLs come from callers, so the gateway must not become a way
 * into its own network: only `https:` URLs whose host resolves to public addresses are accepted,
 * checked when an endpoint is registered and again for every connection (the `lookup` given to
 * http/https.request sees the address actually dialled, so a name that re-resolves to a private
 * address later, DNS rebinding, is caught). `allowPrivate` (WEBHOOK_ALLOW_PRIVATE) lifts both
 * rules for local development and tests.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Ranges no webhook may reach: loopback, private, link-local (cloud metadata), and the rest of the special-purpose registry. */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT (and Alibaba's metadata, 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local: cloud metadata at 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and broadcast
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (AWS metadata fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, compatible), if any. */
function embeddedIPv4(v6: string): string | null {
  const lower = v6.toLowerCase();
  const dotted = /^(?:::ffff:|::ffff:0:|64:ff9b::|::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  const groups = expand(lower);
  if (!groups) return null;
  const toV4 = (hi: number, lo: number): string => [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  const zeros = (from: number, to: number): boolean => groups.slice(from, to).every((g) => g === 0);
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64)
  if (zeros(0, 5) && (groups[5] === 0xffff || groups[5] === 0)) return toV4(groups[6] ?? 0, groups[7] ?? 0);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return toV4(groups[6] ?? 0, groups[7] ?? 0);
  // 2002:AABB:CCDD::/48 (6to4)
  if (groups[0] === 0x2002) return toV4(groups[1] ?? 0, groups[2] ?? 0);
  return null;
}

/** The eight 16-bit groups of an IPv6 address in hex notation, or null. */
function expand(v6: string): number[] | null {
  const [head, tail, extra] = v6.split('::');
  if (extra !== undefined) return null;
  const parse = (part: string | undefined): number[] => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<number>(Math.max(0, fill)).fill(0), ...t];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** True when `address` (an IP literal) is loopback, private, link-local or otherwise not public. */
export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return BLOCKED.check(bare, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIPv4(bare);
    if (v4 !== null && isIP(v4) === 4) return BLOCKED.check(v4, 'ipv4');
    return BLOCKED.check(bare, 'ipv6');
  }
  // Not an address at all: nothing to dial.
  return true;
}

export class UnsafeWebhookUrl extends Error {
  override readonly name = 'UnsafeWebhookUrl';
  /** A stable code for logs and the delivery's lastError. */
  readonly code = 'EWEBHOOKUNSAFE';
}

/** Resolves a host name to every address it has (dns.lookup, as the HTTP client does). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

export interface AddressPolicy {
  /** WEBHOOK_ALLOW_PRIVATE: http: and private targets allowed. @default false */
  allowPrivate: boolean;
  /** @default systemResolver */
  resolve?: Resolver;
}

/** Longest endpoint URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Checks an endpoint URL at registration: its shape, its scheme, and every address its host
 * resolves to. Returns the URL as it will be stored; throws {@link UnsafeWebhookUrl} with a
 * message for the caller.
 */
export async function checkWebhookUrl(raw: string, policy: AddressPolicy): Promise<string> {
  const text = raw.trim();
  if (text.length === 0) throw new UnsafeWebhookUrl('The URL is empty');
  if (text.length > MAX_WEBHOOK_URL_LENGTH) throw new UnsafeWebhookUrl(`The URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UnsafeWebhookUrl('Not a valid absolute URL');
  }
  const schemes = policy.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    throw new UnsafeWebhookUrl(
      policy.allowPrivate ? `The URL must use https: or http:, not ${url.protocol}` : `The URL must use https: (got ${url.protocol})`,
    );
  }
  if (url.username || url.password) throw new UnsafeWebhookUrl('The URL must not carry a user name or password; deliveries are signed instead');
  if (url.hash) throw new UnsafeWebhookUrl('The URL must not have a #fragment');
  if (!policy.allowPrivate) await assertPublicHost(url.hostname, policy.resolve ?? systemResolver);
  return url.href;
}

/** Throws unless every address of `hostname` is public. */
async function assertPublicHost(hostname: string, resolve: Resolver): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    if (isBlockedAddress(host)) throw new UnsafeWebhookUrl(`The URL points at a loopback, private or link-local address (${host})`);
    return;
  }
  const lower = host.toLowerCase().replace(/\.$/, '');
  if (lower === 'localhost' || lower.endsWith('.localhost')) throw new UnsafeWebhookUrl(`The URL points at this machine (${host})`);
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'lookup failed';
    throw new UnsafeWebhookUrl(`The host ${host} does not resolve (${code})`);
  }
  if (addresses.length === 0) throw new UnsafeWebhookUrl(`The host ${host} does not resolve`);
  const blocked = addresses.find((a) => isBlockedAddress(a.address));
  if (blocked) throw new UnsafeWebhookUrl(`The host ${host} resolves to a loopback, private or link-local address (${blocked.address})`);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http/https.request that refuses to connect to a blocked address: the check
 * runs on the very addresses the socket will dial, after every resolution.
 */
export function guardedLookup(policy: AddressPolicy): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
  const resolve = policy.resolve ?? systemResolver;
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (all) => {
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (wanted.length === 0) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), options.all ? [] : '', 0);
          return;
        }
        const blocked = policy.allowPrivate ? undefined : wanted.find((a) => isBlockedAddress(a.address));
        if (blocked) {
          callback(new UnsafeWebhookUrl(`${hostname} resolved to ${blocked.address}, a loopback, private or link-local address`), options.all ? [] : '', 0);
          return;
        }
        if (options.all) callback(null, wanted);
        else callback(null, (wanted[0] as LookupAddress).address, (wanted[0] as LookupAddress).family);
      },
      (err: NodeJS.ErrnoException) => callback(err, options.all ? [] : '', 0),
    );
  };
}
