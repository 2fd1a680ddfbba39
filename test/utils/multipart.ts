/**
 * GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec) over
 * fetch's own FormData, the way an upload client builds them: `operations`, then `map`, then
 * one part per file.
 */
export interface UploadPart {
  /** Where the file goes in the variables, e.g. "variables.input.firstFrame.file". */
  path: string;
  bytes: Uint8Array;
  filename: string;
  type?: string;
}

export function multipartBody(query: string, variables: Record<string, unknown>, files: UploadPart[]): FormData {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query, variables }));
  form.set('map', JSON.stringify(Object.fromEntries(files.map((f, i) => [String(i), [f.path]]))));
  // A copy backed by a plain ArrayBuffer, which Blob takes (a Buffer may sit on a shared pool).
  files.forEach((f, i) => form.set(String(i), new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.filename));
  return form;
}

/** POSTs a multipart request; the CSRF header is sent unless `csrf` is false. */
export async function postMultipart<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  files: UploadPart[],
  opts: { csrf?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { accept: 'application/graphql-response+json', ...(opts.csrf === false ? {} : { 'x-graphql-csrf': '1' }), ...opts.headers },
    body: multipartBody(query, variables, files),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as never) : {} };
}
