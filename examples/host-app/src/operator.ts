import type { CommandInput, MDMInstance } from '@openmdm/sdk';

/** What a busy operator does during the demo: a command to a random device every few seconds. */
export function startDemoOperator(
  mdm: MDMInstance,
  apk: { url: string; sha256: string; packageName: string },
  everyMs = 2000,
): () => void {
  const recipes: CommandInput[] = [
    { type: 'lock', payload: { message: 'Locked by the demo operator' } },
    { type: 'installApp', payload: { packageName: apk.packageName, url: apk.url, sha256: apk.sha256 } },
    { type: 'shell', payload: { command: 'id' } },
    {
      type: 'configureWifi',
      payload: { ssid: 'Warehouse-5G', password: 'correct horse', securityType: 'WPA2' },
    },
    { type: 'getLocation' },
    { type: 'setVolume', payload: { level: 40 } },
    { type: 'sync' },
  ];
  let round = 0;
  const timer = setInterval(() => {
    void (async () => {
      const page = await mdm.devices.list({
        status: ['enrolled'],
        limit: 100,
        sort: { field: 'lastSeenAt', direction: 'desc' },
      });
      const device = page.items[Math.floor(Math.random() * page.items.length)];
      if (!device) return;
      await mdm.commands.send(device.id, recipes[round++ % recipes.length]!);
    })().catch(() => {});
  }, everyMs);
  return () => clearInterval(timer);
}
