/**
 * The topic layout under a prefix: `{prefix}/{deviceId}/commands` (server → device), `…/presence` and
 * `…/ack` (device → server). A device id becomes one topic level, so it may not hold `/`, the wildcards
 * `+` and `#`, or NUL: otherwise a wake-up could land on another device's topic.
 */
export interface DeviceTopics {
  /** What the enroll response advertises as `pushConfig.mqttTopic`. */
  device(deviceId: string): string;
  commands(deviceId: string): string;
  readonly presenceFilter: string;
  readonly ackFilter: string;
  /** The device and kind of a presence or ack topic, or null for any other topic. */
  parse(topic: string): { deviceId: string; kind: 'presence' | 'ack' } | null;
}

const UNSAFE_IN_LEVEL = ['/', '+', '#', '\u0000'];

export function isTopicLevel(value: string): boolean {
  return value.length > 0 && !UNSAFE_IN_LEVEL.some((character) => value.includes(character));
}

/** A prefix is one or more topic levels: no empty level, no wildcard. */
export function isTopicPrefix(prefix: string): boolean {
  return prefix.split('/').every(isTopicLevel);
}

export function deviceTopics(prefix: string): DeviceTopics {
  return {
    device: (deviceId) => `${prefix}/${deviceId}`,
    commands: (deviceId) => `${prefix}/${deviceId}/commands`,
    presenceFilter: `${prefix}/+/presence`,
    ackFilter: `${prefix}/+/ack`,
    parse(topic) {
      if (!topic.startsWith(`${prefix}/`)) return null;
      const [deviceId, kind, ...rest] = topic.slice(prefix.length + 1).split('/');
      if (!deviceId || rest.length > 0 || (kind !== 'presence' && kind !== 'ack')) return null;
      return { deviceId, kind };
    },
  };
}
