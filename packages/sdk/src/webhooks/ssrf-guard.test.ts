import { describe, expect, it } from 'vitest';
import { assertPublicDestination, isPrivateAddress, PrivateAddressError } from './ssrf-guard.js';

describe('SSRF guard', () => {
  it('flags loopback, private, link-local, CGNAT, multicast and reserved addresses', () => {
    for (const address of [
      '127.0.0.1',
      '127.1.2.3',
      '10.0.0.5',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.10',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd12:3456::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.1.2.3',
      '[::1]',
      'fe80::1%eth0',
      'not-an-ip',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
  });

  it('lets public addresses through', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
    ]) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it('refuses URLs whose host is or resolves to a private address', async () => {
    await expect(assertPublicDestination(new URL('http://127.0.0.1:8080/x'))).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    await expect(assertPublicDestination(new URL('http://[::1]/x'))).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    await expect(assertPublicDestination(new URL('http://169.254.169.254/latest'))).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    await expect(assertPublicDestination(new URL('http://localhost:3000/'))).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    await expect(assertPublicDestination(new URL('https://93.184.216.34/hook'))).resolves.toBeUndefined();
  });
});
