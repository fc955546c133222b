import { AgentHttpError } from './http-error.js';

/** Reads the body as UTF-8, refusing more than `limit` bytes without buffering them (413). */
export async function readBody(
  request: Request,
  limit: number,
  buffered?: Uint8Array | null,
): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (buffered) {
    if (buffered.byteLength > limit) throw tooLarge(limit);
    return Buffer.from(buffered.buffer, buffered.byteOffset, buffered.byteLength).toString('utf8');
  }
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** Parses a JSON body; an empty or malformed body is a 400 that says what is wrong. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '')
    throw new AgentHttpError(400, 'BAD_JSON', 'Request body is empty; a JSON object is expected');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AgentHttpError(400, 'BAD_JSON', `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function tooLarge(limit: number): AgentHttpError {
  return new AgentHttpError(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes`);
}
