/**
 * The pure parts of webhook delivery: the retry schedule with jitter and Retry-After, secrets
 * sealed at rest, the events a transition raises, the body, and the WEBHOOK_* configuration.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { eventsOfTransition } from '../../src/domain/webhooks.js';
import {
  DEFAULT_RETRY_SCHEDULE_MS,
  keyFromText,
  loadOrCreateKeyFile,
  newSigningSecret,
  retryDelay,
  SecretBox,
  webhookBody,
} from '../../src/webhooks/index.js';
import { generationFixture, T0 } from '../utils/generation-fixture.js';

describe('retryDelay', () => {
  const schedule = [1000, 60_000, 3_600_000];

  it('follows the schedule, ±10% jitter, and stops after its last delay', () => {
    expect(retryDelay(1, schedule, null, () => 0)).toBe(900);
    expect(retryDelay(1, schedule, null, () => 0.5)).toBe(1000);
    expect(retryDelay(1, schedule, null, () => 0.999999)).toBe(1100);
    expect(retryDelay(2, schedule, null, () => 0.5)).toBe(60_000);
    expect(retryDelay(3, schedule, null, () => 0.5)).toBe(3_600_000);
    expect(retryDelay(4, schedule, null, () => 0.5)).toBeNull();
    expect(retryDelay(0, schedule, null, () => 0.5)).toBeNull();
  });

  it('never retries sooner than Retry-After asked, up to 24 h', () => {
    expect(retryDelay(1, schedule, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelay(2, schedule, 30_000, () => 0.5)).toBe(60_000);
    expect(retryDelay(1, schedule, 10 * 86_400_000, () => 0.5)).toBe(86_400_000);
  });

  it('survives a broken random source', () => {
    expect(retryDelay(1, schedule, null, () => Number.NaN)).toBe(1000);
    expect(retryDelay(1, schedule, null, () => 7)).toBe(1100);
  });

  it('has the documented default', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([5000, 300000, 1800000, 7200000, 18000000, 36000000, 86400000]);
    expect(loadConfig({}).webhooks.retryScheduleMs).toEqual(DEFAULT_RETRY_SCHEDULE_MS);
  });
});

describe('secrets', () => {
  it('are Standard Webhooks secrets that the package signs and verifies with', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const wh = new Webhook(secret);
    const sig = wh.sign('msg_1', new Date(), '{"a":1}');
    expect(() => wh.verify('{"a":1}', { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': sig })).not.toThrow();
  });

  it('are sealed for one endpoint under one key: the sealed text does not contain them', () => {
    const box = new SecretBox(keyFromText('a key of at least thirty-two characters!'));
    const secret = newSigningSecret();
    const sealed = box.seal(secret, 'ep_1');
    expect(sealed).not.toContain(secret.slice(6));
    expect(sealed.startsWith(`v1.${box.keyId}.`)).toBe(true);
    expect(box.open(sealed, 'ep_1')).toBe(secret);
    // Moved to another endpoint's row, it does not open.
    expect(() => box.open(sealed, 'ep_2')).toThrow(/does not open/);
    const other = new SecretBox(keyFromText('another key of at least thirty-two chars'));
    expect(() => other.open(sealed, 'ep_1')).toThrow(/sealed with another key.*WEBHOOK_SECRET_KEY/);
    expect(() => box.open('garbage', 'ep_1')).toThrow(/not in a known format/);
    // Error messages never carry the secret.
    try {
      other.open(sealed, 'ep_1');
    } catch (err) {
      expect(String(err)).not.toContain(secret.slice(6));
    }
  });

  it('keep their key in DATA_DIR, created once with mode 0600', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cinegraph-key-'));
    const a = loadOrCreateKeyFile(dir);
    const b = loadOrCreateKeyFile(dir);
    expect(a.equals(b)).toBe(true);
    const file = path.join(dir, 'webhook-secrets.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length).toBe(32);
  });
});

describe('events of a transition', () => {
  const gen = generationFixture('g');
  it('raises status_changed for every transition, and the terminal event for a terminal one', () => {
    expect(eventsOfTransition({ ...gen, status: 'GENERATING' }, gen)).toEqual(['video_generation.status_changed']);
    expect(eventsOfTransition({ ...gen, status: 'COMPLETED' }, { ...gen, status: 'GENERATING' })).toEqual([
      'video_generation.completed',
      'video_generation.status_changed',
    ]);
    expect(eventsOfTransition({ ...gen, status: 'FAILED' }, gen)[0]).toBe('video_generation.failed');
    expect(eventsOfTransition({ ...gen, status: 'TIMED_OUT' }, gen)[0]).toBe('video_generation.timed_out');
    // A late result: TIMED_OUT → COMPLETED is a completion.
    expect(eventsOfTransition({ ...gen, status: 'COMPLETED' }, { ...gen, status: 'TIMED_OUT' })[0]).toBe('video_generation.completed');
    expect(eventsOfTransition(gen, gen)).toEqual([]);
  });
});

describe('webhookBody', () => {
  it('carries the generation in the API\'s words', () => {
    const completed = generationFixture('gen:1/a', {
      status: 'COMPLETED',
      providerStatus: 'completed',
      completedAt: T0 + 30_000,
      video: { url: 'https://cdn.example/v.mp4', contentType: 'video/mp4', fileName: 'v.mp4', fileSize: 1234, archiveName: 'slot.mp4' },
    });
    const body = webhookBody('video_generation.completed', completed, { now: T0 + 31_000, videoUrl: (v) => `https://gw.example/videos/${v.archiveName}` });
    expect(body).toEqual({
      type: 'video_generation.completed',
      timestamp: new Date(T0 + 31_000).toISOString(),
      data: {
        id: 'gen:1/a',
        status: 'COMPLETED',
        providerStatus: 'completed',
        model: 'TEXT_TO_VIDEO',
        prompt: 'a prompt for gen:1/a',
        progress: 1,
        createdAt: new Date(T0).toISOString(),
        completedAt: new Date(T0 + 30_000).toISOString(),
        video: { url: 'https://gw.example/videos/slot.mp4', contentType: 'video/mp4', fileSize: 1234 },
        error: null,
      },
    });
    const failed = webhookBody('video_generation.failed', { ...completed, status: 'FAILED', video: null, error: { code: 'E', message: 'm' } }, { now: T0, videoUrl: (v) => v.url });
    expect(failed.data).toMatchObject({ video: null, error: { code: 'E', message: 'm' } });
  });
});

describe('WEBHOOK_* configuration', () => {
  it('parses the variables', () => {
    const c = loadConfig({
      WEBHOOK_RETRY_SCHEDULE: '100, 100,5000',
      WEBHOOK_TIMEOUT_MS: '2500',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_CONCURRENCY: '4',
      WEBHOOK_SECRET_KEY: 'k'.repeat(32),
    }).webhooks;
    expect(c).toEqual({ retryScheduleMs: [100, 100, 5000], timeoutMs: 2500, allowPrivate: true, concurrency: 4, secretKey: 'k'.repeat(32) });
    expect(loadConfig({}).webhooks).toMatchObject({ timeoutMs: 15_000, allowPrivate: false, concurrency: 16, secretKey: null });
  });

  it.each([
    [{ WEBHOOK_RETRY_SCHEDULE: '5s,10s' }, /^WEBHOOK_RETRY_SCHEDULE must be comma-separated delays in ms/],
    [{ WEBHOOK_RETRY_SCHEDULE: '1' }, /^WEBHOOK_RETRY_SCHEDULE: each delay must be between 10/],
    [{ WEBHOOK_TIMEOUT_MS: 'fast' }, /^WEBHOOK_TIMEOUT_MS must be a whole number/],
    [{ WEBHOOK_ALLOW_PRIVATE: 'maybe' }, /^WEBHOOK_ALLOW_PRIVATE must be true or false/],
    [{ WEBHOOK_SECRET_KEY: 'short' }, /^WEBHOOK_SECRET_KEY must be at least 32 characters/],
  ])('refuses %o with one line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
