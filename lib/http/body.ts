import type { z } from 'zod';
import { HttpError } from './errors';

/**
 * Reads a management call's JSON body, at most `maxBytes` bytes, and checks it against `schema`.
 *
 * - An empty body (no bytes at all) counts as `{}`: the seed's runbook runs `curl -X POST …/cache/clear` without
 *   one, and it must keep working.
 * - A non-empty body must be declared `application/json` (415 otherwise) — HTML forms can't send that cross-site
 *   without a CORS preflight, which adds a second line of defence against CSRF.
 * - The size is enforced while streaming (413 as soon as the limit is passed), not taken from Content-Length:
 *   the header may be absent (chunked) or lie.
 * - Malformed JSON or a body that fails the schema → 400 with a message that says what is wrong.
 */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S, maxBytes: number): Promise<z.output<S>> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);

  const bytes = await readLimited(request, maxBytes);
  let value: unknown = {};
  if (bytes.byteLength > 0) {
    if (!isJsonContentType(request.headers.get('content-type'))) {
      throw new HttpError('unsupported_media_type', 'Send the body as JSON with Content-Type: application/json');
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new HttpError('bad_request', 'The body is not valid UTF-8');
    }
    if (text.trim() !== '') {
      try {
        value = JSON.parse(text);
      } catch {
        throw new HttpError('bad_request', 'The body is not valid JSON');
      }
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
    throw new HttpError('bad_request', `Invalid body: ${message}`);
  }
  return parsed.data;
}

function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  return mediaType === 'application/json';
}

async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        // Stop reading: the rest of an oversized body is never buffered.
        await reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError('payload_too_large', `The body is larger than ${maxBytes} bytes`);
}
