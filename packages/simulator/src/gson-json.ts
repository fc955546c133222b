import { javaDoubleToString, javaFloatToString } from './java-number-format.js';

/**
 * A JSON encoder that writes what `new Gson().toJson(...)` writes on an Android device:
 * compact; null (and undefined) fields omitted, also inside maps; HTML-safe escaping of
 * `< > & = '` as lowercase `\u00xx`; DTO fields in alphabetical (dex) order; map entries in
 * insertion order; Java number formatting for values marked as double or float.
 *
 * Plain objects and `Map`s are maps (insertion order). Wrap an object with `dto()` to get the
 * alphabetical field order of a Kotlin data class. Plain numbers are written as Java `Int`/`Long`
 * when integral; mark doubles with `asDouble()` (so `37` prints `37.0`) and floats with `asFloat()`.
 */

const DTOS = new WeakSet<object>();

/** A number Gson sees as `java.lang.Double`. */
export class JavaDouble {
  constructor(readonly value: number) {}
}

/** A number Gson sees as `java.lang.Float`. */
export class JavaFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = Math.fround(value);
  }
}

export function asDouble(value: number): JavaDouble {
  return new JavaDouble(value);
}

export function asFloat(value: number): JavaFloat {
  return new JavaFloat(value);
}

/** Marks `fields` as a Kotlin data class: its keys are written in alphabetical order. */
export function dto<T extends object>(fields: T): T {
  DTOS.add(fields);
  return fields;
}

export function isDto(value: object): boolean {
  return DTOS.has(value);
}

export function toGsonJson(value: unknown): string {
  return encode(value);
}

function encode(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return quoteGson(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return encodePlainNumber(value);
    case 'object':
      return encodeObject(value);
    default:
      throw new TypeError(`Gson cannot encode a ${typeof value}`);
  }
}

function encodePlainNumber(value: number): string {
  if (Number.isSafeInteger(value)) return String(value);
  if (!Number.isFinite(value))
    throw new TypeError(`${value} is not a valid double value as per JSON specification`);
  if (Number.isInteger(value)) return value.toFixed(0);
  return javaDoubleToString(value);
}

function encodeObject(value: object): string {
  if (value instanceof JavaDouble || value instanceof JavaFloat) {
    if (!Number.isFinite(value.value)) {
      throw new TypeError(`${value.value} is not a valid double value as per JSON specification`);
    }
    return value instanceof JavaDouble ? javaDoubleToString(value.value) : javaFloatToString(value.value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + encode(value[i]);
    return `${out}]`;
  }
  if (value instanceof Map) {
    let out = '{';
    for (const [key, entry] of value) {
      if (entry === null || entry === undefined) continue;
      out += `${out.length === 1 ? '' : ','}${quoteGson(String(key))}:${encode(entry)}`;
    }
    return `${out}}`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Dex order: field names sorted by UTF-16 code units, which is ASCII order for Kotlin identifiers.
  if (DTOS.has(value)) keys.sort();
  let out = '{';
  for (const key of keys) {
    const entry = record[key];
    if (entry === null || entry === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${quoteGson(key)}:${encode(entry)}`;
  }
  return `${out}}`;
}

/** Gson's JsonWriter `HTML_SAFE_REPLACEMENT_CHARS`, indexed by ASCII code. */
const ASCII_REPLACEMENTS: readonly (string | undefined)[] = (() => {
  const table: (string | undefined)[] = new Array(128);
  for (let code = 0; code <= 0x1f; code++) table[code] = `\\u${code.toString(16).padStart(4, '0')}`;
  const short: [string, string][] = [
    ['"', '\\"'],
    ['\\', '\\\\'],
    ['\t', '\\t'],
    ['\b', '\\b'],
    ['\n', '\\n'],
    ['\r', '\\r'],
    ['\f', '\\f'],
    ['<', '\\u003c'],
    ['>', '\\u003e'],
    ['&', '\\u0026'],
    ['=', '\\u003d'],
    ["'", '\\u0027'],
  ];
  for (const [char, replacement] of short) table[char.charCodeAt(0)] = replacement;
  return table;
})();

// Built from char codes so the control-character range needs no escapes in a regex literal.
const NEEDS_ESCAPE = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}"\\\\<>&='\u2028\u2029]`,
);

/** A JSON string literal escaped exactly as Gson's html-safe JsonWriter does (U+2028/U+2029 included). */
export function quoteGson(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const replacement =
      code < 128
        ? ASCII_REPLACEMENTS[code]
        : code === 0x2028
          ? '\\u2028'
          : code === 0x2029
            ? '\\u2029'
            : undefined;
    if (replacement === undefined) continue;
    out += text.slice(last, i) + replacement;
    last = i + 1;
  }
  return `${out}${text.slice(last)}"`;
}
