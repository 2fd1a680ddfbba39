import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseTokens } from '../../src/config.js';

const T1 = '0123456789abcdef';
const T2 = 'fedcba9876543210';

/** Loads a config that must fail; returns the ConfigError. */
function failing(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadConfig: defaults (README: Configuration)', () => {
  it('an empty environment gives every documented default', () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.apiKey).toBeNull();
    expect(c.baseUrl).toBe('https://api.aimlapi.com');
    expect(c.pollIntervalMs).toBe(5000);
    expect(c.generationTimeoutMs).toBe(900_000);
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.redisUrl).toBeNull();
    expect(c.tokens).toBeNull();
  });

  it('blank values count as unset', () => {
    const c = loadConfig({ PORT: '  ', AIMLAPI_KEY: ' ', GATEWAY_TOKENS: '', REDIS_URL: '', POLL_INTERVAL_MS: '' });
    expect(c.port).toBe(4000);
    expect(c.apiKey).toBeNull();
    expect(c.tokens).toBeNull();
    expect(c.redisUrl).toBeNull();
    expect(c.pollIntervalMs).toBe(5000);
  });

  it('reads every variable, trimming whitespace and a trailing slash on URLs', () => {
    const c = loadConfig({
      PORT: ' 8080 ',
      HOST: '0.0.0.0',
      AIMLAPI_KEY: ' sk-abc ',
      AIMLAPI_BASE_URL: 'http://127.0.0.1:9999/',
      POLL_INTERVAL_MS: '250',
      GENERATION_TIMEOUT_MS: '60000',
      DATA_DIR: '/tmp/cinegraph-data',
      REDIS_URL: 'redis://localhost:6379',
      GATEWAY_TOKENS: `alice:${T1}`,
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      apiKey: 'sk-abc',
      baseUrl: 'http://127.0.0.1:9999',
      pollIntervalMs: 250,
      generationTimeoutMs: 60_000,
      dataDir: '/tmp/cinegraph-data',
      redisUrl: 'redis://localhost:6379',
      tokens: [{ client: 'alice', token: T1 }],
    });
  });

  it('accepts port 0 (any free port) and the range ends', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    expect(loadConfig({ POLL_INTERVAL_MS: '50' }).pollIntervalMs).toBe(50);
    expect(loadConfig({ GENERATION_TIMEOUT_MS: '1000' }).generationTimeoutMs).toBe(1000);
    expect(loadConfig({ REDIS_URL: 'rediss://u:p@host:6380/0' }).redisUrl).toBe('rediss://u:p@host:6380/0');
  });
});

describe('loadConfig: bad values stop start-up with one line naming the variable', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '4000abc'],
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['PORT', '1e3'],
    ['PORT', '0x50'],
    ['HOST', 'bad host!'],
    ['HOST', 'a/b'],
    ['AIMLAPI_BASE_URL', 'not a url'],
    ['AIMLAPI_BASE_URL', 'ftp://api.aimlapi.com'],
    ['AIMLAPI_BASE_URL', 'api.aimlapi.com'],
    ['POLL_INTERVAL_MS', 'fast'],
    ['POLL_INTERVAL_MS', '10'],
    ['POLL_INTERVAL_MS', '0'],
    ['GENERATION_TIMEOUT_MS', '0'],
    ['GENERATION_TIMEOUT_MS', '15m'],
    ['GENERATION_TIMEOUT_MS', '999999999999'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'not a url'],
    ['GATEWAY_TOKENS', 'justatoken0123456789'],
    ['GATEWAY_TOKENS', `:${T1}`],
    ['GATEWAY_TOKENS', 'alice:'],
    ['GATEWAY_TOKENS', 'alice:short'],
    ['GATEWAY_TOKENS', `alice:${T1},bob:${T1}`],
    ['GATEWAY_TOKENS', `al ice:${T1}`],
    ['GATEWAY_TOKENS', `alice:${T1},,bob:${T2}`],
    ['LOG_LEVEL', 'loud'],
  ])('%s=%j', (name, value) => {
    const err = failing({ [name]: value });
    expect(err.message).toContain(name);
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message.length).toBeLessThan(200);
    expect(err.name).toBe('ConfigError');
  });

  it('never echoes a token or a Redis password in the message', () => {
    for (const env of [
      { GATEWAY_TOKENS: 'alice:secret-short' },
      { GATEWAY_TOKENS: `alice:${T1},bob:${T1}` },
      { GATEWAY_TOKENS: `alice:${T1},b@d:${T2}` },
      { GATEWAY_TOKENS: `alice:${T1},${T2}` },
    ]) {
      const err = failing(env);
      for (const secret of ['secret-short', T1, T2]) expect(err.message).not.toContain(secret);
    }
    const redis = failing({ REDIS_URL: 'http://user:hunter2-password@localhost:6379' });
    expect(redis.message).not.toContain('hunter2-password');
    const malformed = failing({ REDIS_URL: 'redis://user:hunter2-password@local host:6379' });
    expect(malformed.message).not.toContain('hunter2-password');
  });
});

describe('parseTokens (GATEWAY_TOKENS)', () => {
  it('parses client:token pairs, trimming around entries and separators', () => {
    expect(parseTokens(`alice:${T1}, bob : ${T2} `)).toEqual([
      { client: 'alice', token: T1 },
      { client: 'bob', token: T2 },
    ]);
  });

  it('lets one client hold several tokens (rotation)', () => {
    expect(parseTokens(`alice:${T1},alice:${T2}`)).toEqual([
      { client: 'alice', token: T1 },
      { client: 'alice', token: T2 },
    ]);
  });

  it('keeps colons inside a token', () => {
    expect(parseTokens(`svc:${T1}:${T2}`)).toEqual([{ client: 'svc', token: `${T1}:${T2}` }]);
  });

  it('accepts client names with letters, digits, dot, underscore and dash', () => {
    expect(parseTokens(`web-app_2.prod:${T1}`)[0]?.client).toBe('web-app_2.prod');
  });

  it('rejects a token no client could ever send (inner whitespace)', () => {
    // The authenticator reads a credential as one run of non-space characters, so a token with a
    // space inside would make its client unable to authenticate: a malformed list, caught at start.
    expect(() => parseTokens('alice:0123456789 abcdef')).toThrow(ConfigError);
  });
});

describe('loadConfig: the edges of security (GRAPHIQL, FOREIGN_LOOKUPS_PER_MINUTE, request time limits)', () => {
  it('defaults: GraphiQL follows introspection, 30 foreign lookups a minute, 30 s per request, 10 s for headers', () => {
    const c = loadConfig({});
    expect(c.graphiql).toBe(true);
    expect(c.foreignLookupsPerMinute).toBe(30);
    expect(c.limits.requestTimeoutMs).toBe(30_000);
    expect(c.limits.headersTimeoutMs).toBe(10_000);
    expect(loadConfig({ INTROSPECTION: 'false' }).graphiql).toBe(false);
    expect(loadConfig({ INTROSPECTION: 'false', GRAPHIQL: 'true' }).graphiql).toBe(true);
    expect(loadConfig({ GRAPHIQL: 'false' }).graphiql).toBe(false);
  });

  it('keeps the headers limit within the request limit, and says so when both are set the wrong way round', () => {
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '5000' }).limits.headersTimeoutMs).toBe(5000);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '6000' })).toThrow(/^HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS/);
  });

  it.each([
    ['GRAPHIQL', 'maybe'],
    ['FOREIGN_LOOKUPS_PER_MINUTE', '0'],
    ['FOREIGN_LOOKUPS_PER_MINUTE', 'lots'],
    ['REQUEST_TIMEOUT_MS', '10'],
    ['HEADERS_TIMEOUT_MS', '-1'],
  ])('%s=%s stops start-up with one line naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name}`));
  });
});
