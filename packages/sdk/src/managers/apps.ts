import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { MDMContext } from '../context.js';
import { apps, appVersions } from '../db/schema/index.js';
import {
  type App,
  type AppRegisterInput,
  type AppVersion,
  type AppVersionAddInput,
  appRegisterSchema,
  appVersionAddSchema,
} from '../domain/app.js';
import { newId } from '../domain/ids.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { parseInput } from '../util/validate.js';
import type { TenantScope } from './policies.js';

function versionFromRow(row: typeof appVersions.$inferSelect): AppVersion {
  return {
    appId: row.appId,
    version: row.version,
    versionCode: row.versionCode,
    url: row.url,
    sha256: row.sha256,
    sizeBytes: row.sizeBytes,
    minSdkVersion: row.minSdkVersion,
    releaseNotes: row.releaseNotes,
    createdAt: row.createdAt,
  };
}

function appFromRow(row: typeof apps.$inferSelect, latest: AppVersion | null): App {
  return {
    id: row.id,
    tenantId: row.tenantId,
    packageName: row.packageName,
    name: row.name,
    description: row.description,
    metadata: row.metadata,
    latestVersion: latest,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The app catalogue: packages the fleet installs, with their versions and APK locations. */
export class AppManager {
  constructor(private readonly ctx: MDMContext) {}

  async register(input: AppRegisterInput): Promise<App> {
    const data = parseInput(appRegisterSchema, input, 'app');
    return this.ctx.transact(async (tx, events) => {
      const id = newId('app');
      const rows = await tx
        .insert(apps)
        .values({
          id,
          tenantId: data.tenantId ?? null,
          packageName: data.packageName,
          name: data.name,
          description: data.description ?? null,
          metadata: data.metadata ?? {},
        })
        .onConflictDoNothing()
        .returning();
      const row = rows[0];
      if (!row) {
        throw new ConflictError(`app ${data.packageName} is already registered`, {
          reason: 'APP_EXISTS',
          packageName: data.packageName,
        });
      }
      events.add({
        type: 'app.registered',
        payload: { appId: id, packageName: data.packageName },
        tenantId: data.tenantId ?? null,
      });
      return appFromRow(row, null);
    });
  }

  async addVersion(appId: string, input: AppVersionAddInput, scope: TenantScope = {}): Promise<AppVersion> {
    const data = parseInput(appVersionAddSchema, input, 'app version');
    return this.ctx.transact(async (tx, events) => {
      const app = await this.requireApp(appId, scope);
      const rows = await tx
        .insert(appVersions)
        .values({
          appId,
          version: data.version,
          versionCode: data.versionCode,
          url: data.url,
          sha256: data.sha256 ?? null,
          sizeBytes: data.sizeBytes ?? null,
          minSdkVersion: data.minSdkVersion ?? null,
          releaseNotes: data.releaseNotes ?? null,
        })
        .onConflictDoNothing()
        .returning();
      const row = rows[0];
      if (!row) {
        throw new ConflictError(`version code ${data.versionCode} of ${app.packageName} already exists`, {
          reason: 'APP_VERSION_EXISTS',
        });
      }
      await tx.update(apps).set({ updatedAt: sql`now()` }).where(eq(apps.id, appId));
      events.add({
        type: 'app.versionAdded',
        payload: {
          appId,
          packageName: app.packageName,
          version: data.version,
          versionCode: data.versionCode,
        },
        tenantId: app.tenantId,
      });
      return versionFromRow(row);
    });
  }

  async get(id: string, scope: TenantScope = {}): Promise<App> {
    const row = await this.requireApp(id, scope);
    const [latest] = await this.ctx.db
      .select()
      .from(appVersions)
      .where(eq(appVersions.appId, id))
      .orderBy(desc(appVersions.versionCode))
      .limit(1);
    return appFromRow(row, latest ? versionFromRow(latest) : null);
  }

  async getByPackage(packageName: string, scope: TenantScope = {}): Promise<App | null> {
    const [row] = await this.ctx.db
      .select()
      .from(apps)
      .where(
        and(
          eq(apps.packageName, packageName),
          scope.tenantId ? eq(apps.tenantId, scope.tenantId) : undefined,
        ),
      );
    return row ? this.get(row.id) : null;
  }

  async list(scope: TenantScope = {}): Promise<App[]> {
    const rows = await this.ctx.db
      .select()
      .from(apps)
      .where(scope.tenantId ? eq(apps.tenantId, scope.tenantId) : undefined)
      .orderBy(asc(apps.name), asc(apps.id))
      .limit(5000);
    if (rows.length === 0) return [];
    const latest = await this.ctx.db
      .selectDistinctOn([appVersions.appId])
      .from(appVersions)
      .where(
        inArray(
          appVersions.appId,
          rows.map((r) => r.id),
        ),
      )
      .orderBy(appVersions.appId, desc(appVersions.versionCode));
    const byApp = new Map(latest.map((v) => [v.appId, versionFromRow(v)]));
    return rows.map((row) => appFromRow(row, byApp.get(row.id) ?? null));
  }

  async versions(id: string, scope: TenantScope = {}): Promise<AppVersion[]> {
    await this.requireApp(id, scope);
    const rows = await this.ctx.db
      .select()
      .from(appVersions)
      .where(eq(appVersions.appId, id))
      .orderBy(desc(appVersions.versionCode));
    return rows.map(versionFromRow);
  }

  async delete(id: string, scope: TenantScope = {}): Promise<void> {
    await this.ctx.transact(async (tx, events) => {
      const app = await this.requireApp(id, scope);
      await tx.delete(apps).where(eq(apps.id, id));
      events.add({
        type: 'app.deleted',
        payload: { appId: id, packageName: app.packageName },
        tenantId: app.tenantId,
      });
    });
  }

  private async requireApp(id: string, scope: TenantScope) {
    const [row] = await this.ctx.db
      .select()
      .from(apps)
      .where(and(eq(apps.id, id), scope.tenantId ? eq(apps.tenantId, scope.tenantId) : undefined));
    if (!row) throw new NotFoundError('app', id);
    return row;
  }
}
