import { describe, expect, it } from 'vitest';
import { asDouble, asFloat, dto, quoteGson, toGsonJson } from './gson-json.js';

describe('toGsonJson', () => {
  it('writes the §3.5 HMAC enroll body byte for byte (alphabetical keys, nulls omitted)', () => {
    const body = dto({
      model: 'Pixel 7',
      manufacturer: 'Google',
      osVersion: '14',
      sdkVersion: 34,
      serialNumber: null,
      imei: null,
      macAddress: null,
      androidId: 'a1b2c3d4e5f60718',
      agentVersion: '1.0.0',
      agentPackage: 'com.openmdm.agent',
      method: 'manual',
      timestamp: '2025-01-15T10:30:00.123Z',
      signature: 'ab6074c04dc9b99dae59e88c4b80e5b788cf5b25bcbbc54ca9788827e75cfaf0',
      policyId: null,
      groupId: undefined,
    });
    expect(toGsonJson(body)).toBe(
      '{"agentPackage":"com.openmdm.agent","agentVersion":"1.0.0","androidId":"a1b2c3d4e5f60718","manufacturer":"Google","method":"manual","model":"Pixel 7","osVersion":"14","sdkVersion":34,"signature":"ab6074c04dc9b99dae59e88c4b80e5b788cf5b25bcbbc54ca9788827e75cfaf0","timestamp":"2025-01-15T10:30:00.123Z"}',
    );
  });

  it('escapes base64 padding as \\u003d and leaves / and + alone', () => {
    expect(toGsonJson('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=')).toBe(
      '"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\\u003d"',
    );
    expect(toGsonJson('a/b+c')).toBe('"a/b+c"');
  });

  it('escapes the html-unsafe characters, quotes, backslashes and controls as Gson does', () => {
    expect(quoteGson(`<unknown ssid>&'=`)).toBe('"\\u003cunknown ssid\\u003e\\u0026\\u0027\\u003d"');
    expect(quoteGson('a"b\\c\nd\te\rf\bg\fh')).toBe('"a\\"b\\\\c\\nd\\te\\rf\\bg\\fh"');
    expect(quoteGson('\u0001\u001f\u007f')).toBe('"\\u0001\\u001f\u007f"');
    expect(quoteGson('\u2028\u2029é')).toBe('"\\u2028\\u2029é"');
  });

  it('writes the §5.3 complete bodies: DTO alphabetical around a map in insertion order', () => {
    const location = dto({
      success: true,
      message: 'Location retrieved',
      data: {
        latitude: asDouble(37.4219983),
        longitude: asDouble(-122.084),
        accuracy: asFloat(12.5),
        altitude: asDouble(5),
        timestamp: 1736937000123,
      },
    });
    expect(toGsonJson(location)).toBe(
      '{"data":{"latitude":37.4219983,"longitude":-122.084,"accuracy":12.5,"altitude":5.0,"timestamp":1736937000123},"message":"Location retrieved","success":true}',
    );
    const shell = dto({
      success: true,
      message: 'uid=1000(system) gid=1000(system)\n',
      data: { exitCode: 0 },
    });
    expect(toGsonJson(shell)).toBe(
      '{"data":{"exitCode":0},"message":"uid\\u003d1000(system) gid\\u003d1000(system)\\n","success":true}',
    );
  });

  it('omits null values inside maps, keeps them inside arrays, and supports Map for numeric keys', () => {
    expect(toGsonJson({ b: 1, a: null, c: undefined, d: [null, 2] })).toBe('{"b":1,"d":[null,2]}');
    expect(
      toGsonJson(
        new Map<string, unknown>([
          ['2', 'x'],
          ['1', 'y'],
        ]),
      ),
    ).toBe('{"2":"x","1":"y"}');
  });

  it('writes plain integers as longs, non-integral plain numbers as doubles, and refuses NaN', () => {
    expect(toGsonJson([0, -0, 1736937000123, 2 ** 53, 0.5, 10n ** 20n])).toBe(
      '[0,0,1736937000123,9007199254740992,0.5,100000000000000000000]',
    );
    expect(toGsonJson(asDouble(1e-4))).toBe('1.0E-4');
    expect(() => toGsonJson(Number.NaN)).toThrow(TypeError);
    expect(() => toGsonJson(asDouble(Number.POSITIVE_INFINITY))).toThrow(TypeError);
  });
});
