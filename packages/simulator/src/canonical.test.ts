import { expect, it } from 'vitest';
import { hmacCanonicalMessage, pinnedKeyCanonicalMessage } from './canonical.js';

const pixel = { model: 'Pixel 7', manufacturer: 'Google', osVersion: '14', androidId: 'a1b2c3d4e5f60718' };

it('builds the 9-field HMAC message with empty slots for null identifiers', () => {
  expect(hmacCanonicalMessage(pixel, 'manual', '2025-01-15T10:30:00.123Z')).toBe(
    'Pixel 7|Google|14||||a1b2c3d4e5f60718|manual|2025-01-15T10:30:00.123Z',
  );
  const tablet = {
    model: 'SM-T290',
    manufacturer: 'samsung',
    osVersion: '9',
    serialNumber: 'unknown',
    imei: null,
    macAddress: 'AA:BB:CC:DD:EE:FF',
    androidId: '0123456789abcdef',
  };
  expect(hmacCanonicalMessage(tablet, 'qr', '2025-01-15T10:30:00.123Z')).toBe(
    'SM-T290|samsung|9|unknown||AA:BB:CC:DD:EE:FF|0123456789abcdef|qr|2025-01-15T10:30:00.123Z',
  );
});

it('builds the 11-field pinned-key message', () => {
  const message = pinnedKeyCanonicalMessage('PK==', pixel, 'manual', '2025-01-15T10:30:00.123Z', 'CH=');
  expect(message).toBe('PK==|Pixel 7|Google|14||||a1b2c3d4e5f60718|manual|2025-01-15T10:30:00.123Z|CH=');
  expect(message.split('|')).toHaveLength(11);
});
