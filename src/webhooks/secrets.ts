/**
 * Signing secrets. A secret is shown to its client once, when the endpoint is created; the store
 * keeps it sealed (AES-256-GCM, bound to its endpoint id), so a copy of the database, a backup
 * or a debugging query does not hand it out. The sealing key is WEBHOOK_SECRET_KEY when set (the
 * same on every instance of a cluster), else a random key kept in DATA_DIR (created on first
 * use, mode 0600), apart from the database file.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Standard Webhooks secrets: `whsec_` and base64 of 24..64 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export class SecretUnavailable extends Error {
  override readonly name = 'SecretUnavailable';
}

const VERSION = 'v1';

export class SecretBox {
  /** Names the key a secret was sealed with, so a wrong key is reported as such. */
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox: the key must be 32 bytes');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  seal(secret: string, endpointId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(endpointId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The secret sealed for `endpointId`; throws {@link SecretUnavailable} (never with the secret) otherwise. */
  open(sealed: string, endpointId: string): string {
    const [version, keyId, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !keyId || !iv || !body || !tag) throw new SecretUnavailable('the stored secret is not in a known format');
    if (keyId !== this.keyId) {
      throw new SecretUnavailable(`the secret was sealed with another key (${keyId}, this instance has ${this.keyId}): check WEBHOOK_SECRET_KEY`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(endpointId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnavailable('the stored secret does not open with this key');
    }
  }
}

/** A 32-byte key from WEBHOOK_SECRET_KEY's text (any length ≥ 32, HKDF-stretched). */
export function keyFromText(text: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(text, 'utf8'), 'cinegraph-webhooks', 'secret-box v1', 32));
}

/** The file under DATA_DIR holding the sealing key when WEBHOOK_SECRET_KEY is not set. */
export const KEY_FILE_NAME = 'webhook-secrets.key';

/**
 * Reads the key file in `dataDir`, creating it (exclusively, mode 0600) with a random key when
 * it does not exist yet.
 */
export function loadOrCreateKeyFile(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE_NAME);
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new Error(`Cannot create the webhook key file "${file}" (${(err as Error).message}); set WEBHOOK_SECRET_KEY or make DATA_DIR writable`);
    }
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`The webhook key file "${file}" does not hold a 32-byte base64 key; restore it, or remove it (endpoints registered with it stop being signable)`);
  return key;
}
