/**
 * `--first-frame` and `--last-frame`: a URL is passed on as `ImageInput.url` (the provider
 * fetches it); anything else is a local file, uploaded as `ImageInput.file` in a GraphQL
 * multipart request. The gateway checks the image itself; the CLI only reads the file.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ImageInput } from '../client/generated/graphql.js';
import { CliError, ExitCode } from './errors.js';

/** One file of a multipart request: where it goes in the variables, and its bytes. */
export interface Upload {
  /** e.g. "variables.input.firstFrame.file" */
  path: string;
  file: Blob;
  filename: string;
}

/** Files larger than this are not read at all: no gateway accepts them (its default limit is 10 MB). */
const MAX_READ_BYTES = 100 * 1024 * 1024;

/** A scheme of two letters or more: `https://…`, `file:…`; a Windows drive (`C:\…`) is a path. */
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]+:/;

export async function frameInput(
  flag: string,
  value: string,
  field: 'firstFrame' | 'lastFrame',
): Promise<{ input: ImageInput; upload: Upload | null }> {
  if (URL_LIKE.test(value)) return { input: { url: value }, upload: null };
  const fail = (why: string): CliError => new CliError(`--${flag}: cannot read "${value}": ${why}`, ExitCode.USER_ERROR, 'USAGE');
  const info = await stat(value).catch((err: NodeJS.ErrnoException) => {
    throw fail(err.code === 'ENOENT' ? 'no such file (give a path to a PNG, JPEG or WebP image, or an https:// URL)' : (err.code ?? err.message));
  });
  if (!info.isFile()) throw fail('not a file');
  if (info.size > MAX_READ_BYTES) throw fail(`it is ${info.size} bytes, far over any upload limit`);
  const bytes = await readFile(value).catch((err: NodeJS.ErrnoException) => {
    throw fail(err.code ?? err.message);
  });
  return {
    input: { file: null },
    upload: { path: `variables.input.${field}.file`, file: new Blob([new Uint8Array(bytes)]), filename: path.basename(value) },
  };
}
