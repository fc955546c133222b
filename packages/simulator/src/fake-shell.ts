import type { DeviceProfile } from './device-profile.js';

export interface ShellOutput {
  stdout: string;
  exitCode: number;
}

/**
 * Deterministic stand-ins for `Runtime.getRuntime().exec(command)`: the command line is split on
 * whitespace (no shell, quotes are not special), stdout is captured, stderr is not. A program the
 * device does not have throws Java's `IOException` message.
 */
export function runFakeShell(commandLine: string, profile: DeviceProfile, nowMs: number): ShellOutput {
  const argv = commandLine.split(/[ \t\n\r\f]+/).filter((token) => token.length > 0);
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('Empty command');
  const { identity } = profile;
  const properties: Record<string, string> = {
    'ro.product.model': identity.model,
    'ro.product.manufacturer': identity.manufacturer,
    'ro.build.version.release': identity.osVersion,
    'ro.build.version.sdk': String(identity.sdkVersion),
    'ro.build.id': profile.buildId,
  };
  switch (program) {
    case 'id':
      return { stdout: 'uid=1000(system) gid=1000(system)\n', exitCode: 0 };
    case 'whoami':
      return { stdout: 'system\n', exitCode: 0 };
    case 'echo':
      return { stdout: `${args.join(' ')}\n`, exitCode: 0 };
    case 'true':
      return { stdout: '', exitCode: 0 };
    case 'false':
      return { stdout: '', exitCode: 1 };
    case 'getprop': {
      if (args[0] === undefined) {
        const listing = Object.entries(properties).map(([key, value]) => `[${key}]: [${value}]\n`);
        return { stdout: listing.join(''), exitCode: 0 };
      }
      return { stdout: `${properties[args[0]] ?? ''}\n`, exitCode: 0 };
    }
    case 'pm':
      if (args[0] === 'list' && args[1] === 'packages') {
        return {
          stdout: profile.installedApps.map((app) => `package:${app.packageName}\n`).join(''),
          exitCode: 0,
        };
      }
      return { stdout: '', exitCode: 1 };
    case 'date':
      return { stdout: `${javaStyleDate(nowMs)}\n`, exitCode: 0 };
    case 'uptime':
      return {
        stdout: ` ${new Date(nowMs).toISOString().slice(11, 19)} up 3 days,  4:12,  0 users,  load average: 1.23, 1.10, 0.98\n`,
        exitCode: 0,
      };
    case 'ls':
      return { stdout: '', exitCode: 1 };
    case 'sh':
      if (args[0] === '-c' && args.length > 1) {
        return runFakeShell(
          args
            .slice(1)
            .join(' ')
            .replace(/^["']|["']$/g, ''),
          profile,
          nowMs,
        );
      }
      return { stdout: '', exitCode: 0 };
    default:
      throw new Error(`Cannot run program "${program}": error=2, No such file or directory`);
  }
}

function javaStyleDate(nowMs: number): string {
  const date = new Date(nowMs);
  const [weekday, month] = [
    ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getUTCDay()],
    ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.getUTCMonth()],
  ];
  const day = String(date.getUTCDate()).padStart(2, ' ');
  return `${weekday} ${month} ${day} ${date.toISOString().slice(11, 19)} UTC ${date.getUTCFullYear()}`;
}
