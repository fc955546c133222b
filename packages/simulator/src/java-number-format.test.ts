import { describe, expect, it } from 'vitest';
import { javaDoubleToString, javaFloatToString } from './java-number-format.js';

describe('javaDoubleToString', () => {
  it.each([
    [37, '37.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [5, '5.0'],
    [37.4219983, '37.4219983'],
    [-122.084, '-122.084'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1e-7, '1.0E-7'],
    [1.5e-5, '1.5E-5'],
    [9999999, '9999999.0'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [1e21, '1.0E21'],
    [0.1 + 0.2, '0.30000000000000004'],
    [Number.MAX_VALUE, '1.7976931348623157E308'],
    [Number.MIN_VALUE, '4.9E-324'],
    [-1.25e-10, '-1.25E-10'],
    [100, '100.0'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('%s → %s', (input, expected) => {
    expect(javaDoubleToString(input)).toBe(expected);
  });
});

describe('javaFloatToString', () => {
  it.each([
    [12.5, '12.5'],
    [0.1, '0.1'],
    [3.3, '3.3'],
    [16.081, '16.081'],
    [1e-4, '1.0E-4'],
    [1e10, '1.0E10'],
    [100, '100.0'],
    [0, '0.0'],
    [1.4e-45, '1.4E-45'],
  ])('%s → %s', (input, expected) => {
    expect(javaFloatToString(input)).toBe(expected);
  });
});
