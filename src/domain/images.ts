/**
 * Frames as the domain sees them: what a caller may send (a URL or an uploaded file), the rules
 * a URL must follow, and the port through which uploaded bytes are checked and kept. The bytes
 * themselves are read and stored by an adapter (src/images/), never here.
 */
import type { FrameImage } from './generation.js';

/** Largest image URL accepted, in characters. */
export const MAX_IMAGE_URL_LENGTH = 2048;
/** Default largest uploaded image: 10 MB. */
export const DEFAULT_MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/**
 * An uploaded file as the transport hands it over (a WHATWG `File` from a GraphQL multipart
 * request satisfies it). Its size is known before any byte is read.
 */
export interface UploadedImage {
  readonly size: number;
  readonly name?: string;
  readonly type?: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** `ImageInput` as it arrives: exactly one of the two should be set. */
export interface RawImageInput {
  url?: string | null;
  file?: UploadedImage | null;
}

/** The two frame fields of `GenerateVideoInput`. */
export type FrameField = 'firstFrame' | 'lastFrame';

export interface ImageRules {
  /** Largest upload. @default DEFAULT_MAX_IMAGE_BYTES */
  maxImageBytes?: number;
  /** Accept `http:` image URLs as well as `https:`. @default false */
  allowHttpImageUrls?: boolean;
}

/** A stored upload, or why the bytes are not an image the provider can take. */
export type AcceptedImage = { ok: true; image: Extract<FrameImage, { source: 'file' }> } | { ok: false; problem: string };

/**
 * Where uploaded frames are checked (type by magic bytes, header decodes, sane dimensions) and
 * kept, so the gateway can serve them back and send them to the provider.
 */
export interface ImageStore {
  /** Checks `bytes` and, when they are an image, stores them under an unguessable name. */
  accept(bytes: Uint8Array): Promise<AcceptedImage>;
  /** The stored bytes of `name`, or null when there is no such image. */
  read(name: string): Promise<Uint8Array | null>;
}

/** Why a caller's image URL cannot be sent to the provider, or null when it can. */
export function imageUrlProblem(raw: string, rules: ImageRules = {}): string | null {
  if (raw.length === 0) return 'url must not be empty';
  if (raw.length > MAX_IMAGE_URL_LENGTH) return `url must be at most ${MAX_IMAGE_URL_LENGTH} characters (got ${raw.length})`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007F]/.test(raw)) return 'url must not contain spaces or control characters';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'url must be an absolute URL, e.g. https://example.com/frame.png';
  }
  const allowed = rules.allowHttpImageUrls ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(u.protocol)) {
    return `url must use ${allowed.join(' or ')} (got "${u.protocol}")`;
  }
  if (u.hostname === '') return 'url must name a host';
  if (u.username !== '' || u.password !== '') return 'url must not carry credentials';
  return null;
}
