import { expect, it } from 'vitest';
import { encodePathSegment } from './retrofit-path.js';

it('percent-encodes a command id as one path segment the way Retrofit does', () => {
  expect(encodePathSegment('cmd_01HZX9')).toBe('cmd_01HZX9');
  expect(encodePathSegment('a/b c?d#e%f')).toBe('a%2Fb%20c%3Fd%23e%25f');
  expect(encodePathSegment('é"<>^`{}|\\')).toBe('%C3%A9%22%3C%3E%5E%60%7B%7D%7C%5C');
  expect(encodePathSegment(":@$&+,;=[]~!*'()")).toBe(":@$&+,;=[]~!*'()");
  expect(() => encodePathSegment('..')).toThrow(RangeError);
});
