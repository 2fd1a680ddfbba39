/**
 * The uploaded frames of a create: read once they passed the size the transport declared,
 * checked and stored through the image port, then put in place in the input. A problem names
 * the field at fault, and nothing reaches the provider.
 */
import type { GenerationInput } from '../domain/generation.js';
import type { ImageStore } from '../domain/images.js';
import type { InputProblem, PendingUpload } from '../domain/validate.js';

export type StoredFrames = { ok: true; input: GenerationInput } | { ok: false; problems: InputProblem[] };

export async function storeUploads(
  input: GenerationInput,
  uploads: readonly PendingUpload[],
  images: ImageStore | undefined,
  maxImageBytes: number,
): Promise<StoredFrames> {
  if (uploads.length === 0) return { ok: true, input };
  const problems: InputProblem[] = [];
  const out: GenerationInput = { ...input };
  for (const { field, file } of uploads) {
    const at = ['input', field, 'file'];
    if (!images) {
      problems.push({ field: at, message: `${field}.file: this gateway does not accept uploads; give a url instead` });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch {
      problems.push({ field: at, message: `${field}.file could not be read (was the upload interrupted?)` });
      continue;
    }
    // The declared size was checked already; the bytes are what counts.
    if (bytes.length === 0 || bytes.length > maxImageBytes) {
      problems.push({ field: at, message: `${field}.file must be 1 to ${maxImageBytes} bytes (got ${bytes.length})` });
      continue;
    }
    const accepted = await images.accept(bytes);
    if (!accepted.ok) {
      problems.push({ field: at, message: `${field}.file ${accepted.problem}` });
      continue;
    }
    out[field] = accepted.image;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, input: out };
}
