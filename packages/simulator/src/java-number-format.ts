/**
 * Java's `Double.toString` and `Float.toString`, which Gson uses for `Double` and `Float` values:
 * decimal notation with at least one fractional digit for magnitudes in [1e-3, 1e7), otherwise
 * computerized scientific notation (`1.0E-4`, `1.2345E7`). Digits are the shortest that round-trip.
 */
export function javaDoubleToString(value: number): string {
  const special = nonFiniteOrZero(value);
  if (special !== null) return special;
  const magnitude = Math.abs(value);
  const [digits, exponent] = atLeastTwoDigits(splitExponential(magnitude.toExponential()), magnitude);
  return (value < 0 ? '-' : '') + layout(digits, exponent, magnitude);
}

export function javaFloatToString(value: number): string {
  const float = Math.fround(value);
  const special = nonFiniteOrZero(float);
  if (special !== null) return special;
  const magnitude = Math.abs(float);
  let shortest = magnitude.toPrecision(9);
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = magnitude.toPrecision(precision);
    if (Math.fround(Number(candidate)) === magnitude) {
      shortest = candidate;
      break;
    }
  }
  const [digits, exponent] = atLeastTwoDigits(splitExponential(Number(shortest).toExponential()), magnitude);
  return (float < 0 ? '-' : '') + layout(digits, exponent, magnitude);
}

function nonFiniteOrZero(value: number): string | null {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  return null;
}

/** `"1.2345e+7"` → `["12345", 7]`, trailing zeros removed (at least one digit kept). */
function splitExponential(exponential: string): [string, number] {
  const [mantissa = '', exponent = '0'] = exponential.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return [digits, Number(exponent)];
}

/**
 * Java prints at least two significant digits (`d.d`); when one digit is enough to round-trip it
 * picks the two-digit decimal closest to the value, which differs only for tiny subnormals
 * (`Double.MIN_VALUE` is `4.9E-324`, not `5.0E-324`).
 */
function atLeastTwoDigits(split: [string, number], magnitude: number): [string, number] {
  if (split[0].length > 1) return split;
  const [mantissa = '', exponent = '0'] = magnitude.toExponential(1).split('e');
  const digits = mantissa.replace('.', '');
  return digits.endsWith('0') ? split : [digits, Number(exponent)];
}

function layout(digits: string, exponent: number, magnitude: number): string {
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      const fraction = digits.slice(exponent + 1) || '0';
      return `${integer}.${fraction}`;
    }
    return `0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return `${digits[0]}.${digits.slice(1) || '0'}E${exponent}`;
}
