import type { PolicySettings } from '../../domain/policy-settings.js';
import type { PolicySettingsIssue } from '../types.js';

/** Kiosk settings that cannot work on a device: rejected when a policy is created or updated. */
export function kioskSettingsIssues(settings: PolicySettings): PolicySettingsIssue[] {
  const issues: PolicySettingsIssue[] = [];
  const { kioskMode, mainApp, kioskPackages, blockedApps, allowedApps } = settings;
  if (kioskMode && !mainApp) {
    issues.push({ path: ['mainApp'], message: 'kioskMode needs mainApp, the app the kiosk shows' });
  }
  for (const pkg of [mainApp, ...(kioskPackages ?? [])]) {
    if (!pkg) continue;
    if (blockedApps?.includes(pkg)) {
      const path = pkg === mainApp ? ['mainApp'] : ['kioskPackages', kioskPackages!.indexOf(pkg)];
      issues.push({ path, message: `${pkg} is a kiosk app and also in blockedApps` });
    }
    if (allowedApps && allowedApps.length > 0 && !allowedApps.includes(pkg)) {
      const path = pkg === mainApp ? ['mainApp'] : ['kioskPackages', kioskPackages!.indexOf(pkg)];
      issues.push({ path, message: `${pkg} is a kiosk app but not in allowedApps` });
    }
  }
  if (kioskPackages && new Set(kioskPackages).size !== kioskPackages.length) {
    issues.push({ path: ['kioskPackages'], message: 'lists a package twice' });
  }
  return issues;
}
