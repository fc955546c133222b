// Retrofit's PATH_SEGMENT_ALWAYS_ENCODE_SET, plus `/` and `%` because `@Path` is not `encoded = true`.
const ALWAYS_ENCODE = new Set([...' "<>^`{}|\\?#/%']);

/**
 * A Retrofit `@Path` value (encoded = false) percent-encoded as a single path segment: controls,
 * non-ASCII and ` "<>^`{}|\?#/%` become `%XX` (uppercase hex of the UTF-8 bytes); everything else
 * (`:@$&+,;=[]` and so on) stays as is.
 */
export function encodePathSegment(value: string): string {
  if (value === '.' || value === '..') {
    throw new RangeError(`@Path parameters shouldn't perform path traversal ('.' or '..'): ${value}`);
  }
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || code >= 0x7f || ALWAYS_ENCODE.has(char)) {
      for (const byte of Buffer.from(char, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += char;
    }
  }
  return out;
}
