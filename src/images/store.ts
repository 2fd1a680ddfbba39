/**
 * Uploaded frames on disk (DATA_DIR/images, or a directory every instance shares in cluster
 * mode). A file's name is an HMAC of its bytes under a key kept beside the images: unguessable
 * without the bytes, yet the same upload twice (a retried request) is one file, not two.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AcceptedImage, ImageStore } from '../domain/images.js';
import { EXTENSIONS, inspectImage } from './sniff.js';

/** Stored names: 32 base64url characters (192 bits) and the type's extension. */
export const IMAGE_NAME = /^[A-Za-z0-9_-]{32}\.(png|jpg|webp)$/;

/** Content type of a stored name, by its extension. */
export function contentTypeOfName(name: string): string | null {
  const ext = IMAGE_NAME.exec(name)?.[1];
  return ext === 'png' ? 'image/png' : ext === 'jpg' ? 'image/jpeg' : ext === 'webp' ? 'image/webp' : null;
}

const KEY_FILE = '.name-key';

export class FsImageStore implements ImageStore {
  private key: Promise<Buffer> | null = null;

  /** @param dir where images are kept; created on first use. */
  constructor(readonly dir: string) {}

  /** The naming key: created once (exclusively, so concurrent instances agree), then read. */
  private nameKey(): Promise<Buffer> {
    this.key ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      const file = path.join(this.dir, KEY_FILE);
      const fresh = randomBytes(32);
      // Written whole beside, then linked into place: link() fails if the key exists, so of
      // instances starting together one key wins, and nobody reads a half-written one.
      const tmp = path.join(this.dir, `${KEY_FILE}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(tmp, fresh, { flag: 'wx', mode: 0o600 });
        await link(tmp, file);
        return fresh;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        await rm(tmp, { force: true });
      }
      const existing = await readFile(file);
      if (existing.length !== 32) throw new Error(`image store: ${file} is not a 32-byte key; remove it to start afresh`);
      return existing;
    })().catch((err: unknown) => {
      this.key = null;
      throw err;
    });
    return this.key;
  }

  async accept(bytes: Uint8Array): Promise<AcceptedImage> {
    const seen = inspectImage(bytes);
    if (!seen.ok) return seen;
    const key = await this.nameKey();
    const name = `${createHmac('sha256', key).update(bytes).digest('base64url').slice(0, 32)}.${EXTENSIONS[seen.contentType]}`;
    const file = path.join(this.dir, name);
    const there = await lstat(file).catch(() => null);
    if (!there?.isFile() || there.size !== bytes.length) {
      // Written beside, then renamed: a reader never sees half a file.
      const tmp = path.join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(tmp, bytes, { flag: 'wx', mode: 0o644 });
        await rename(tmp, file);
      } finally {
        await rm(tmp, { force: true });
      }
    }
    return {
      ok: true,
      image: {
        source: 'file',
        name,
        contentType: seen.contentType,
        byteSize: bytes.length,
        width: seen.width,
        height: seen.height,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
    };
  }

  async read(name: string): Promise<Uint8Array | null> {
    if (!IMAGE_NAME.test(name)) return null;
    // O_NOFOLLOW: only a regular file this store wrote, never what a symlink points at.
    const handle = await open(path.join(this.dir, name), constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
    if (!handle) return null;
    try {
      if (!(await handle.stat()).isFile()) return null;
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }
}
