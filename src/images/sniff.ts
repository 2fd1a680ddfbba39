/**
 * Recognises PNG, JPEG and WebP by their magic bytes and decodes just enough of the header to
 * know the picture's size, and that the file is whole: a file whose name says .png proves
 * nothing, and a truncated upload would only fail later, at the provider, after costing a create.
 * Pure functions over bytes; nothing here touches the file system.
 */
import type { ImageContentType } from '../domain/generation.js';

/** Largest width or height accepted, in pixels. */
export const MAX_IMAGE_SIDE = 16_384;
/** Largest picture accepted, in pixels (width × height): about 8000 × 8000. */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

export type ImageInspection =
  | { ok: true; contentType: ImageContentType; width: number; height: number }
  | { ok: false; problem: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** File extension of each accepted type, for stored names. */
export const EXTENSIONS: Record<ImageContentType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + n));
}

function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) >>> 0) + ((b[at + 1] ?? 0) << 16) + ((b[at + 2] ?? 0) << 8) + (b[at + 3] ?? 0);
}

function u16be(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function u32le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) + ((b[at + 1] ?? 0) << 8) + ((b[at + 2] ?? 0) << 16) + (((b[at + 3] ?? 0) << 24) >>> 0);
}

function u24le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) + ((b[at + 1] ?? 0) << 8) + ((b[at + 2] ?? 0) << 16);
}

let crcTable: Uint32Array | null = null;

/** CRC-32 as PNG chunks use it (ISO 3309). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function sized(contentType: ImageContentType, width: number, height: number): ImageInspection {
  const label = contentType.slice('image/'.length).toUpperCase();
  if (!(width >= 1 && height >= 1)) return { ok: false, problem: `is a ${label} image without a width and height` };
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    return { ok: false, problem: `is ${width}×${height} pixels; each side must be at most ${MAX_IMAGE_SIDE}` };
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    return { ok: false, problem: `is ${width}×${height} pixels; at most ${MAX_IMAGE_PIXELS} pixels in all are accepted` };
  }
  return { ok: true, contentType, width, height };
}

const TRUNCATED = (what: string): ImageInspection => ({ ok: false, problem: `is a truncated or damaged ${what} file` });

/** PNG: the IHDR chunk first (CRC checked), then whole chunks up to IEND, with image data between. */
function inspectPng(b: Uint8Array): ImageInspection {
  if (b.length < 33 || u32be(b, 8) !== 13 || ascii(b, 12, 4) !== 'IHDR') return TRUNCATED('PNG');
  if (crc32(b.subarray(12, 29)) !== u32be(b, 29)) return TRUNCATED('PNG');
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  let at = 33;
  let sawData = false;
  for (;;) {
    if (at + 12 > b.length) return TRUNCATED('PNG');
    const length = u32be(b, at);
    const type = ascii(b, at + 4, 4);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > b.length) return TRUNCATED('PNG');
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') return sawData ? sized('image/png', width, height) : TRUNCATED('PNG');
    at = end;
  }
}

/** Start-of-frame markers that carry the picture's size (not DHT, JPG or DAC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** JPEG: segments from SOI to a start-of-frame and a start-of-scan, ending with EOI. */
function inspectJpeg(b: Uint8Array): ImageInspection {
  let at = 2;
  let size: { width: number; height: number } | null = null;
  for (;;) {
    if (at + 4 > b.length || b[at] !== 0xff) return TRUNCATED('JPEG');
    let marker = b[at + 1] ?? 0;
    while (marker === 0xff && at + 2 < b.length) marker = b[++at + 1] ?? 0; // fill bytes
    if (marker === 0xd8 || marker === 0xd9) return TRUNCATED('JPEG');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = u16be(b, at + 2);
    if (length < 2 || at + 2 + length > b.length) return TRUNCATED('JPEG');
    if (isStartOfFrame(marker)) {
      if (length < 8) return TRUNCATED('JPEG');
      size = { height: u16be(b, at + 5), width: u16be(b, at + 7) };
    }
    if (marker === 0xda) break; // start of scan: entropy-coded data follows
    at += 2 + length;
  }
  if (!size) return TRUNCATED('JPEG');
  // A whole file ends with EOI (some writers pad after it with zeros).
  let end = b.length;
  while (end > at && b[end - 1] === 0x00) end--;
  if (b[end - 2] !== 0xff || b[end - 1] !== 0xd9) return TRUNCATED('JPEG');
  return sized('image/jpeg', size.width, size.height);
}

/** WebP: a RIFF container as long as it says, holding a VP8, VP8L or VP8X first chunk. */
function inspectWebp(b: Uint8Array): ImageInspection {
  const riffEnd = 8 + u32le(b, 4);
  if (b.length < 30 || riffEnd > b.length || riffEnd < 30) return TRUNCATED('WebP');
  const chunk = ascii(b, 12, 4);
  const chunkEnd = 20 + u32le(b, 16);
  if (chunkEnd > riffEnd) return TRUNCATED('WebP');
  const d = 20;
  if (chunk === 'VP8 ') {
    // Frame tag (3 bytes), then the key frame start code 9d 01 2a and 14-bit dimensions.
    if (!startsWith(b, [0x9d, 0x01, 0x2a], d + 3)) return TRUNCATED('WebP');
    return sized('image/webp', ((b[d + 6] ?? 0) | ((b[d + 7] ?? 0) << 8)) & 0x3fff, ((b[d + 8] ?? 0) | ((b[d + 9] ?? 0) << 8)) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b[d] !== 0x2f) return TRUNCATED('WebP');
    const bits = u32le(b, d + 1);
    return sized('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    return sized('image/webp', u24le(b, d + 4) + 1, u24le(b, d + 7) + 1);
  }
  return TRUNCATED('WebP');
}

/**
 * What `bytes` are: PNG, JPEG or WebP with a sane size, or a problem phrased to follow the
 * field's name ("firstFrame.file is not a PNG, JPEG or WebP image").
 */
export function inspectImage(bytes: Uint8Array): ImageInspection {
  if (startsWith(bytes, PNG_SIGNATURE)) return inspectPng(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return inspectJpeg(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return inspectWebp(bytes);
  return { ok: false, problem: 'is not a PNG, JPEG or WebP image' };
}
