import { expect, it } from 'vitest';
import { createDeviceProfile } from './device-profile.js';
import { runFakeShell } from './fake-shell.js';

const profile = createDeviceProfile({ model: 'Pixel 7', release: '14' });
const now = Date.UTC(2025, 0, 15, 10, 30, 0, 123);

it('answers common commands deterministically', () => {
  expect(runFakeShell('id', profile, now)).toEqual({
    stdout: 'uid=1000(system) gid=1000(system)\n',
    exitCode: 0,
  });
  expect(runFakeShell('  echo   a  b ', profile, now)).toEqual({ stdout: 'a b\n', exitCode: 0 });
  expect(runFakeShell('getprop ro.product.model', profile, now).stdout).toBe('Pixel 7\n');
  expect(runFakeShell('date', profile, now).stdout).toBe('Wed Jan 15 10:30:00 UTC 2025\n');
  expect(runFakeShell('false', profile, now).exitCode).toBe(1);
  expect(runFakeShell('pm list packages', profile, now).stdout).toContain('package:com.openmdm.agent\n');
  expect(runFakeShell('sh -c id', profile, now).stdout).toBe('uid=1000(system) gid=1000(system)\n');
});

it('throws Java messages for missing programs and empty commands', () => {
  expect(() => runFakeShell('reboot-now', profile, now)).toThrow(
    'Cannot run program "reboot-now": error=2, No such file or directory',
  );
  expect(() => runFakeShell('   ', profile, now)).toThrow('Empty command');
});
