/**
 * Small, real images built byte by byte for the tests (nothing is downloaded): a PNG any
 * decoder shows (a colour gradient), a baseline JPEG (one grey block per 8×8 tile, with its own
 * Huffman tables), and a WebP (lossless, VP8L) header. Plus ways to spoil them.
 */
import { deflateSync } from 'node:zlib';

let table: Uint32Array | null = null;
function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = (table[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function chunk(type: string, data: Buffer): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
}

/** A width×height RGB PNG: a gradient tinted by `seed`, so different seeds are different bytes. */
export function makePng(width = 32, height = 24, seed = 0): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = (x * 255) / Math.max(1, width - 1);
      raw[row + 2 + x * 3] = (y * 255) / Math.max(1, height - 1);
      raw[row + 3 + x * 3] = (seed * 37) & 0xff;
    }
  }
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

/**
 * A baseline greyscale JPEG of width×height (multiples of 8 decode cleanly): every block has DC
 * difference 0 and no AC terms, coded with one-symbol Huffman tables ('0' for each), so it
 * decodes to flat grey.
 */
export function makeJpeg(width = 16, height = 16): Buffer {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  // Two bits per block ("DC category 0", "end of block"), padded with ones.
  const bits = '00'.repeat(blocks);
  const data: number[] = [];
  for (let i = 0; i < bits.length; i += 8) data.push(parseInt(bits.slice(i, i + 8).padEnd(8, '1'), 2));
  const counts = (n: number) => [n, ...new Array<number>(15).fill(0)];
  return Buffer.from([
    0xff, 0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...counts(1), 0x00, 0x10, ...counts(1), 0x00]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...data,
    0xff, 0xd9,
  ]);
}

/** A lossless WebP (VP8L) of width×height: the container and header a decoder reads first. */
export function makeWebp(width = 20, height = 10): Buffer {
  const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14) | (1 << 28); // alpha hint, version 0
  const header = Buffer.alloc(5);
  header[0] = 0x2f;
  header.writeUInt32LE(bits >>> 0, 1);
  const payload = Buffer.concat([header, Buffer.from([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])]);
  const vp8l = Buffer.concat([Buffer.from('VP8L', 'latin1'), Buffer.alloc(4), payload]);
  vp8l.writeUInt32LE(payload.length, 4);
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), vp8l]);
  const riff = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.alloc(4), body]);
  riff.writeUInt32LE(body.length, 4);
  return riff;
}

/** The first `fraction` of `bytes`: an upload cut short. */
export function truncated(bytes: Buffer, fraction = 0.6): Buffer {
  return bytes.subarray(0, Math.floor(bytes.length * fraction));
}
