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
  limits: Limits;
  /** Cluster mode: how long a poll lease lasts without renewal. @default 30000 */
  leaseMs: number;
  /** Cluster mode: how long records of finished generations are kept. @default 30 days */
  retentionMs: number;
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
    logLevel: logLevel as Config['logLevel'],
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    adaptivePolling: bool(env, 'ADAPTIVE_POLLING', true),
    publicUrl: url(env, 'PUBLIC_URL', null, ['http:', 'https:']),
    archiveDir: path.resolve(str(env, 'ARCHIVE_DIR') ?? path.join(str(env, 'DATA_DIR') ?? './data', 'videos')),
    metrics: bool(env, 'METRICS', true),
    metricsToken: str(env, 'METRICS_TOKEN') ?? null,
    leaseMs: int(env, 'LEASE_MS', 30_000, 100, 3_600_000),
    retentionMs: int(env, 'RETENTION_DAYS', 30, 1, 3650) * 86_400_000,
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
    },
  };
}
