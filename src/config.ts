/**
 * The only reader of `process.env`. Every value is parsed into a typed Config; a bad value
 * becomes a ConfigError whose message is one line naming the variable.
 */
import path from 'node:path';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ClientToken {
  client: string;
  token: string;
}

export interface Config {
  /** @default 4000 */
  port: number;
  /** @default '127.0.0.1' */
  host: string;
  /** The provider key; null starts the built-in simulated provider. */
  apiKey: string | null;
  /** @default 'https://api.aimlapi.com' */
  baseUrl: string;
  /** Base interval of the server-side poller. @default 5000 */
  pollIntervalMs: number;
  /**
   * A generation that a read after this still shows in progress becomes TIMED_OUT (only on the
   * provider's word). @default 900000 (15 min)
   */
  generationTimeoutMs: number;
  /** A provider unreachable this long after creation ends the attempts (TIMED_OUT). @default 86400000 (24 h) */
  generationGiveUpMs: number;
  /** How long a TIMED_OUT generation is still checked for a late result. @default 86400000 (24 h) */
  lateResultWindowMs: number;
  /** When late checks happen, in ms after timing out; the last gap then repeats. @default [60000, 300000, 900000, 3600000] */
  lateResultScheduleMs: number[];
  /** Where the embedded store keeps its files. @default './data' */
  dataDir: string;
  /** Cluster mode on Redis when set. @default null */
  redisUrl: string | null;
  /** Client tokens; null runs the gateway open, as one client. @default null */
  tokens: ClientToken[] | null;
  /** Download finished videos into DATA_DIR and serve them. @default true */
  archiveVideos: boolean;
  /** Largest video the archive accepts. @default 524288000 (500 MiB) */
  archiveMaxBytes: number;
  /** Per client: non-terminal generations allowed at once. @default 5 */
  maxActiveGenerations: number;
  /** Per client: creates allowed per minute. @default 30 */
  generateRatePerMinute: number;
  /** Browser origins allowed by CORS; null allows none cross-origin except same-origin. @default null */
  corsOrigins: string[] | null;
  /** @default true */
  introspection: boolean;
  /** Serve GraphiQL at /graphql (GRAPHIQL). @default the value of `introspection` */
  graphiql: boolean;
  /**
   * A trusted-documents manifest (JSON: document id → document, as GraphQL Code Generator's client
   * preset writes it, or Apollo's persisted query manifest): requests may name these documents by
   * `documentId` or `extensions.persistedQuery.sha256Hash`. PERSISTED_DOCUMENTS @default null
   */
  persistedDocuments: string | null;
  /** Refuse every document that is not in the manifest. PERSISTED_DOCUMENTS_ONLY @default false */
  persistedDocumentsOnly: boolean;
  /** Automatic persisted queries kept, least recently used first; 0 turns APQ off. APQ_MAX_DOCUMENTS @default 1000 */
  apqMaxDocuments: number;
  /**
   * Per owner: lookups of ids the store does not hold for this owner (unknown or another's), each
   * a provider read, in any sliding minute; more answer like an unknown id without asking.
   * FOREIGN_LOOKUPS_PER_MINUTE @default 30
   */
  foreignLookupsPerMinute: number;
  /** @default 'info' */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** @default 10000 */
  shutdownTimeoutMs: number;
  /** Poll sparsely early and densely around the expected completion. @default true */
  adaptivePolling: boolean;
  /** Base URL clients reach the gateway at, for archived video links. @default the listening URL */
  publicUrl: string | null;
  /** Where archived videos go; in cluster mode a directory all instances share. @default DATA_DIR/videos */
  archiveDir: string;
  /** Serve Prometheus metrics at /metrics. @default true */
  metrics: boolean;
  /** When set, /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. @default null */
  metricsToken: string | null;
  /**
   * OpenTelemetry traces over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS,
   * OTEL_SERVICE_NAME); null when OTEL_EXPORTER_OTLP_ENDPOINT is unset: tracing off, nothing of it
   * loaded. @default null
   */
  tracing: TracingConfig | null;
  limits: Limits;
  /** Webhook delivery (WEBHOOK_*). */
  webhooks: WebhookConfig;
  /** Cluster mode: how long a poll lease lasts without renewal. @default 30000 */
  leaseMs: number;
  /** Cluster mode: how long records of finished generations are kept. @default 30 days */
  retentionMs: number;
  /** Largest uploaded frame (MAX_IMAGE_BYTES). @default 10485760 (10 MB) */
  maxImageBytes: number;
  /** Accept `http:` frame URLs as well as `https:` (ALLOW_HTTP_IMAGE_URLS). @default false */
  allowHttpImageUrls: boolean;
  /**
   * Where uploaded frames are kept: DATA_DIR/images, or ARCHIVE_DIR/images in cluster mode (a
   * directory every instance shares, as the provider may be sent any instance's upload).
   */
  imageDir: string;
  /** End-user JSON Web Tokens (JWT_*); null when they are not accepted. @default null */
  jwt: JwtConfig | null;
  /** Credits one owner may spend in a rolling 24 h (SPEND_LIMIT_PER_DAY); null for no limit. @default null */
  spendLimitPerDay: number | null;
}

/** How end-user JSON Web Tokens are verified: exactly one key source, issuer and audience. */
export interface JwtConfig {
  /** JWT_JWKS_URL: a JWKS, fetched and cached, refetched for an unknown `kid` at most once a minute. */
  jwksUrl: string | null;
  /** JWT_PUBLIC_KEY: a PEM (SPKI) public key. */
  publicKey: string | null;
  /** JWT_SECRET: an HS256 secret (at least 32 bytes). */
  secret: string | null;
  /** JWT_ISSUER: the `iss` every token must carry. */
  issuer: string;
  /** JWT_AUDIENCE: the `aud` every token must include. */
  audience: string;
  /** JWT_OWNER_CLAIM: the claim naming the end user. @default 'sub' */
  ownerClaim: string;
}

/** Webhook delivery (README: Webhooks and Configuration). */
export interface WebhookConfig {
  /** Delays in ms between attempts; attempts stop after the last. WEBHOOK_RETRY_SCHEDULE @default [5000, 300000, 1800000, 7200000, 18000000, 36000000, 86400000] */
  retryScheduleMs: number[];
  /** How long one attempt may take, answer included. WEBHOOK_TIMEOUT_MS @default 15000 */
  timeoutMs: number;
  /** Allow `http:` and loopback/private targets (local development, tests). WEBHOOK_ALLOW_PRIVATE @default false */
  allowPrivate: boolean;
  /** Attempts in flight at once per instance. WEBHOOK_CONCURRENCY @default 16 */
  concurrency: number;
  /**
   * Key that seals signing secrets at rest (at least 32 characters; the same on every instance of
   * a cluster). WEBHOOK_SECRET_KEY @default null: a random key kept in DATA_DIR; in cluster mode
   * endpoints cannot be registered without it
   */
  secretKey: string | null;
}

/** Where spans go (src/lib/otel.ts). */
export interface TracingConfig {
  /** The collector's base URL; spans are POSTed to `<endpoint>/v1/traces`. */
  endpoint: string;
  /** Sent with every export, e.g. a vendor's API key. @default {} */
  headers: Record<string, string>;
  /** The `service.name` of every span. @default 'cinegraph' */
  serviceName: string;
}

/** Limits on every door; each has its own variable. */
export interface Limits {
  /** Largest HTTP request body. MAX_BODY_BYTES @default 102400 (100 KiB) */
  maxBodyBytes: number;
  /** Largest WebSocket message. MAX_WS_PAYLOAD_BYTES @default 102400 */
  maxWsPayloadBytes: number;
  /** Time a WebSocket has to send connection_init. CONNECTION_INIT_TIMEOUT_MS @default 3000 */
  connectionInitTimeoutMs: number;
  /** Subscriptions at once on one WebSocket. MAX_SUBSCRIPTIONS_PER_CONNECTION @default 100 */
  maxSubscriptionsPerConnection: number;
  /** Subscriptions at once of one client, all transports. MAX_SUBSCRIPTIONS_PER_CLIENT @default 1000 */
  maxSubscriptionsPerClient: number;
  /** MAX_QUERY_DEPTH @default 10 */
  maxDepth: number;
  /** MAX_ALIASES @default 15 */
  maxAliases: number;
  /** MAX_TOKENS @default 2000 */
  maxTokens: number;
  /** MAX_QUERY_COST @default 5000 */
  maxCost: number;
  /** Time to receive a whole request, headers and body; a slower one is answered 408 and dropped. REQUEST_TIMEOUT_MS @default 30000 (30 s) */
  requestTimeoutMs: number;
  /** Time to receive a request's headers (at most the request timeout). HEADERS_TIMEOUT_MS @default 10000 (10 s) */
  headersTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** A comma-separated list of whole numbers, each within bounds, strictly increasing. */
function intList(env: Env, name: string, def: number[], min: number, max: number): number[] {
  const raw = str(env, name);
  if (raw === undefined) return def;
  const out: number[] = [];
  for (const part of raw.split(',')) {
    const t = part.trim();
    if (!/^\d+$/.test(t)) throw new ConfigError(`${name} must be comma-separated whole numbers, got "${raw}"`);
    const n = Number(t);
    if (n < min || n > max) throw new ConfigError(`${name}: each value must be between ${min} and ${max}, got ${n}`);
    if (out.length > 0 && n <= (out[out.length - 1] ?? 0)) throw new ConfigError(`${name} must be increasing, got "${raw}"`);
    out.push(n);
  }
  return out;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return def;
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function url(env: Env, name: string, def: string | null, protocols: string[]): string | null {
  const raw = str(env, name);
  if (raw === undefined) return def;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${redactUrl(raw)}"`);
  }
  if (!protocols.includes(u.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${u.protocol}"`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * Parses OTEL_EXPORTER_OTLP_HEADERS as the OpenTelemetry specification writes it: `key=value`
 * pairs separated by commas, values URL-encoded.
 */
export function parseOtlpHeaders(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, part] of raw.split(',').entries()) {
    const entry = part.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw new ConfigError(`OTEL_EXPORTER_OTLP_HEADERS entry ${i + 1} must look like name=value`);
    let value: string;
    try {
      value = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      throw new ConfigError(`OTEL_EXPORTER_OTLP_HEADERS entry ${i + 1} (${key}): the value is not valid URL encoding`);
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001F\u007F]/.test(value)) throw new ConfigError(`OTEL_EXPORTER_OTLP_HEADERS entry ${i + 1} (${key}): control characters are not allowed`);
    out[key.toLowerCase()] = value;
  }
  return out;
}

/** Hides a password in a URL so it never reaches a log line. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]*):([^@]*)@/, '//$1:***@');
}

/** Parses `client:token,client:token`. */
export function parseTokens(raw: string): ClientToken[] {
  const out: ClientToken[] = [];
  const clients = new Set<string>();
  const tokens = new Set<string>();
  for (const [i, part] of raw.split(',').entries()) {
    const entry = part.trim();
    const sep = entry.indexOf(':');
    const client = sep > 0 ? entry.slice(0, sep).trim() : '';
    const token = sep > 0 ? entry.slice(sep + 1).trim() : '';
    if (!client || !token) {
      throw new ConfigError(`GATEWAY_TOKENS entry ${i + 1} must look like client:token`);
    }
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(client)) {
      throw new ConfigError(`GATEWAY_TOKENS entry ${i + 1}: client name may use letters, digits, . _ - (1..64)`);
    }
    if (/\s/.test(token)) throw new ConfigError(`GATEWAY_TOKENS entry ${i + 1} (${client}): token must not contain whitespace`);
    if (token.length < 16) {
      throw new ConfigError(`GATEWAY_TOKENS entry ${i + 1} (${client}): token must be at least 16 characters`);
    }
    if (tokens.has(token)) throw new ConfigError(`GATEWAY_TOKENS entry ${i + 1} (${client}): token is used twice`);
    tokens.add(token);
    // One client may hold several tokens at once: that is how a token is rotated.
    clients.add(client);
    out.push({ client, token });
  }
  return out;
}

/** The JWT_* variables: off when no key source is set; otherwise exactly one, plus issuer and audience. */
function jwtConfig(env: Env): JwtConfig | null {
  const jwksUrl = url(env, 'JWT_JWKS_URL', null, ['http:', 'https:']);
  // A PEM pasted into one line of an env file keeps its line breaks as "\n".
  const publicKey = str(env, 'JWT_PUBLIC_KEY')?.replace(/\\n/g, '\n') ?? null;
  const secret = str(env, 'JWT_SECRET') ?? null;
  const set = [jwksUrl && 'JWT_JWKS_URL', publicKey && 'JWT_PUBLIC_KEY', secret && 'JWT_SECRET'].filter(Boolean);
  const issuer = str(env, 'JWT_ISSUER');
  const audience = str(env, 'JWT_AUDIENCE');
  const ownerClaim = str(env, 'JWT_OWNER_CLAIM') ?? 'sub';
  if (set.length === 0) {
    const stray = ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_OWNER_CLAIM'].find((n) => str(env, n) !== undefined);
    if (stray) throw new ConfigError(`${stray} is set but no key to verify tokens with: set JWT_JWKS_URL, JWT_PUBLIC_KEY or JWT_SECRET`);
    return null;
  }
  if (set.length > 1) throw new ConfigError(`Set only one of JWT_JWKS_URL, JWT_PUBLIC_KEY and JWT_SECRET, got ${set.join(' and ')}`);
  if (issuer === undefined) throw new ConfigError('JWT_ISSUER is required when JWT verification is on');
  if (audience === undefined) throw new ConfigError('JWT_AUDIENCE is required when JWT verification is on');
  if (secret !== null && Buffer.byteLength(secret, 'utf8') < 32) throw new ConfigError('JWT_SECRET must be at least 32 bytes');
  if (publicKey !== null && !/-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/.test(publicKey)) {
    throw new ConfigError('JWT_PUBLIC_KEY must be a PEM public key ("-----BEGIN PUBLIC KEY-----")');
  }
  if (!/^[A-Za-z0-9_.:/-]{1,128}$/.test(ownerClaim)) throw new ConfigError(`JWT_OWNER_CLAIM must be a claim name, got "${ownerClaim}"`);
  return { jwksUrl, publicKey, secret, issuer, audience, ownerClaim };
}

/** A positive amount of credits, fractions allowed; null when unset. */
function credits(env: Env, name: string): number | null {
  const raw = str(env, name);
  if (raw === undefined) return null;
  if (!/^\d+(\.\d+)?$/.test(raw) || !(Number(raw) > 0) || !Number.isFinite(Number(raw))) {
    throw new ConfigError(`${name} must be a positive number of credits, got "${raw}"`);
  }
  return Number(raw);
}

/** HEADERS_TIMEOUT_MS, which node:http requires to be at most REQUEST_TIMEOUT_MS. */
function headersTimeout(env: Env): number {
  const request = int(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  const explicit = str(env, 'HEADERS_TIMEOUT_MS') !== undefined;
  const headers = int(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000);
  if (explicit && headers > request) {
    throw new ConfigError(`HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS (${request}), got ${headers}`);
  }
  return Math.min(headers, request);
}

/** The WEBHOOK_* variables. */
function webhookConfig(env: Env): WebhookConfig {
  const name = 'WEBHOOK_RETRY_SCHEDULE';
  const raw = str(env, name);
  // Not intList: a flat schedule ("60000,60000,60000") is as valid as a growing one.
  const retryScheduleMs = raw === undefined ? [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 86_400_000] : [];
  for (const part of raw === undefined ? [] : raw.split(',')) {
    const t = part.trim();
    if (!/^\d+$/.test(t)) throw new ConfigError(`${name} must be comma-separated delays in ms, got "${raw}"`);
    const n = Number(t);
    if (n < 10 || n > 7 * 86_400_000) throw new ConfigError(`${name}: each delay must be between 10 and ${7 * 86_400_000} ms, got ${n}`);
    retryScheduleMs.push(n);
  }
  if (retryScheduleMs.length > 30) throw new ConfigError(`${name} may hold at most 30 delays, got ${retryScheduleMs.length}`);
  const secretKey = str(env, 'WEBHOOK_SECRET_KEY') ?? null;
  if (secretKey !== null && secretKey.length < 32) throw new ConfigError('WEBHOOK_SECRET_KEY must be at least 32 characters');
  return {
    retryScheduleMs,
    timeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 15_000, 100, 120_000),
    allowPrivate: bool(env, 'WEBHOOK_ALLOW_PRIVATE', false),
    concurrency: int(env, 'WEBHOOK_CONCURRENCY', 16, 1, 1000),
    secretKey,
  };
}

function persistedDocumentsConfig(env: Env): Pick<Config, 'persistedDocuments' | 'persistedDocumentsOnly'> {
  const file = str(env, 'PERSISTED_DOCUMENTS');
  const only = bool(env, 'PERSISTED_DOCUMENTS_ONLY', false);
  if (only && file === undefined) {
    throw new ConfigError('PERSISTED_DOCUMENTS_ONLY=true needs PERSISTED_DOCUMENTS, the manifest of the documents to accept');
  }
  return { persistedDocuments: file === undefined ? null : path.resolve(file), persistedDocumentsOnly: only };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function tracingConfig(env: Env): TracingConfig | null {
  const endpoint = url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', null, ['http:', 'https:']);
  if (endpoint === null) return null;
  const headers = str(env, 'OTEL_EXPORTER_OTLP_HEADERS');
  const serviceName = str(env, 'OTEL_SERVICE_NAME') ?? 'cinegraph';
  if (serviceName.length > 256) throw new ConfigError('OTEL_SERVICE_NAME must be at most 256 characters');
  return { endpoint, headers: headers === undefined ? {} : parseOtlpHeaders(headers), serviceName };
}

export function loadConfig(env: Env = process.env): Config {
  const tokensRaw = str(env, 'GATEWAY_TOKENS');
  const corsRaw = str(env, 'CORS_ORIGINS');
  const logLevel = (str(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const host = str(env, 'HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new ConfigError(`HOST must be a host name or address, got "${host}"`);
  return {
    port: int(env, 'PORT', 4000, 0, 65535),
    host,
    apiKey: str(env, 'AIMLAPI_KEY') ?? null,
    baseUrl: url(env, 'AIMLAPI_BASE_URL', 'https://api.aimlapi.com', ['http:', 'https:']) as string,
    pollIntervalMs: int(env, 'POLL_INTERVAL_MS', 5000, 50, 3_600_000),
    generationTimeoutMs: int(env, 'GENERATION_TIMEOUT_MS', 900_000, 1000, 86_400_000),
    generationGiveUpMs: int(env, 'GENERATION_GIVE_UP_MS', 86_400_000, 1000, 30 * 86_400_000),
    lateResultWindowMs: int(env, 'LATE_RESULT_WINDOW_MS', 86_400_000, 0, 30 * 86_400_000),
    lateResultScheduleMs: intList(env, 'LATE_RESULT_SCHEDULE_MS', [60_000, 300_000, 900_000, 3_600_000], 10, 30 * 86_400_000),
    dataDir: path.resolve(str(env, 'DATA_DIR') ?? './data'),
    redisUrl: url(env, 'REDIS_URL', null, ['redis:', 'rediss:']),
    tokens: tokensRaw === undefined ? null : parseTokens(tokensRaw),
    archiveVideos: bool(env, 'ARCHIVE_VIDEOS', true),
    archiveMaxBytes: int(env, 'ARCHIVE_MAX_BYTES', 500 * 1024 * 1024, 1024, Number.MAX_SAFE_INTEGER),
    maxActiveGenerations: int(env, 'MAX_ACTIVE_GENERATIONS', 5, 1, 100_000),
    generateRatePerMinute: int(env, 'GENERATE_RATE_PER_MINUTE', 30, 1, 1_000_000),
    corsOrigins: corsRaw === undefined ? null : corsRaw.split(',').map((s) => s.trim()).filter(Boolean),
    introspection: bool(env, 'INTROSPECTION', true),
    graphiql: bool(env, 'GRAPHIQL', bool(env, 'INTROSPECTION', true)),
    ...persistedDocumentsConfig(env),
    apqMaxDocuments: int(env, 'APQ_MAX_DOCUMENTS', 1000, 0, 1_000_000),
    foreignLookupsPerMinute: int(env, 'FOREIGN_LOOKUPS_PER_MINUTE', 30, 1, 1_000_000),
    logLevel: logLevel as Config['logLevel'],
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    adaptivePolling: bool(env, 'ADAPTIVE_POLLING', true),
    publicUrl: url(env, 'PUBLIC_URL', null, ['http:', 'https:']),
    archiveDir: path.resolve(str(env, 'ARCHIVE_DIR') ?? path.join(str(env, 'DATA_DIR') ?? './data', 'videos')),
    metrics: bool(env, 'METRICS', true),
    metricsToken: str(env, 'METRICS_TOKEN') ?? null,
    tracing: tracingConfig(env),
    leaseMs: int(env, 'LEASE_MS', 30_000, 100, 3_600_000),
    retentionMs: int(env, 'RETENTION_DAYS', 30, 1, 3650) * 86_400_000,
    maxImageBytes: int(env, 'MAX_IMAGE_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    allowHttpImageUrls: bool(env, 'ALLOW_HTTP_IMAGE_URLS', false),
    imageDir: path.join(
      str(env, 'REDIS_URL') !== undefined
        ? path.resolve(str(env, 'ARCHIVE_DIR') ?? path.join(str(env, 'DATA_DIR') ?? './data', 'videos'))
        : path.resolve(str(env, 'DATA_DIR') ?? './data'),
      'images',
    ),
    jwt: jwtConfig(env),
    spendLimitPerDay: credits(env, 'SPEND_LIMIT_PER_DAY'),
    webhooks: webhookConfig(env),
    limits: {
      maxBodyBytes: int(env, 'MAX_BODY_BYTES', 100 * 1024, 1024, 64 * 1024 * 1024),
      maxWsPayloadBytes: int(env, 'MAX_WS_PAYLOAD_BYTES', 100 * 1024, 1024, 64 * 1024 * 1024),
      connectionInitTimeoutMs: int(env, 'CONNECTION_INIT_TIMEOUT_MS', 3000, 100, 600_000),
      maxSubscriptionsPerConnection: int(env, 'MAX_SUBSCRIPTIONS_PER_CONNECTION', 100, 1, 1_000_000),
      maxSubscriptionsPerClient: int(env, 'MAX_SUBSCRIPTIONS_PER_CLIENT', 1000, 1, 10_000_000),
      maxDepth: int(env, 'MAX_QUERY_DEPTH', 10, 2, 1000),
      maxAliases: int(env, 'MAX_ALIASES', 15, 0, 10_000),
      maxTokens: int(env, 'MAX_TOKENS', 2000, 50, 1_000_000),
      maxCost: int(env, 'MAX_QUERY_COST', 5000, 10, 100_000_000),
      requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
      headersTimeoutMs: headersTimeout(env),
    },
  };
}
