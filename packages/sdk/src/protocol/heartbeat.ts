import { createHash } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { MDMContext } from '../context.js';
import type { PreparedStatement } from '../db/adapter.js';
import { devices } from '../db/schema/index.js';
import type { AnyMDMEvent } from '../domain/event.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import { type AgentHeartbeat, type Telemetry, telemetryFromHeartbeat } from '../domain/telemetry.js';
import type { CommandManager } from '../managers/commands.js';
import { effectivePolicyCtes } from '../managers/policies.js';
import { BoundedMap } from '../util/bounded-map.js';
import { KeyedBatcher } from './batcher.js';
import {
  activeDeviceStatuses,
  deviceAccessColumns,
  deviceAccessError,
  managedDeviceStatuses,
} from './device-access.js';
import { parseHeartbeat } from './heartbeat-body.js';
import { type WireCommand, type WirePolicy, wireCommand } from './wire-format.js';

/** The heartbeat response after envelope unwrap (spec §4.2). `policyUpdate` only when the device must change. */
export interface HeartbeatResponse {
  success: true;
  pendingCommands: WireCommand[];
  policyUpdate?: WirePolicy;
}

/** Commands handed out per heartbeat; the rest follow on the next one. */
const COMMANDS_PER_HEARTBEAT = 50;
const MAX_BATCH = 128;
/** A heartbeat batch running this long is presumed stuck (a lock held elsewhere): the next one starts beside it. */
const SPARE_LANE_AFTER_MS = 100;
const APPS_HASH_CACHE_LIMIT = 200_000;
/**
 * `last_seen_at` is indexed, so writing it makes a heartbeat a non-HOT update (a new entry in every index of
 * the devices table). It moves only when it is this stale: finer than the agent's fastest poll (15 s), so a
 * device on any real cadence still has it written on every heartbeat.
 */
const LAST_SEEN_RESOLUTION_SECONDS = 10;

interface HeartbeatItem {
  key: string;
  /** The generation of the access token the heartbeat came with (null: a trusted in-process caller). */
  generation: number | null;
  heartbeat: AgentHeartbeat;
  telemetry: Telemetry;
  apps: AgentHeartbeat['installedApps'] | null;
  appsHash: string | null;
  reported: string | null;
}

interface DeviceResult {
  id: string;
  tenant_id: string | null;
  status: string;
  apps_stale: boolean;
  send_policy: boolean;
  policy_id: string | null;
  policy_name: string | null;
  policy_version: number | null;
  policy_settings: PolicySettings | null;
  commands: { id: string; type: string; payload: Record<string, unknown> | null; createdAt: string }[];
}

interface EventResult {
  id: string;
  type: string;
  device_id: string | null;
  command_id: string | null;
  tenant_id: string | null;
  payload: unknown;
  created_at: string;
}

/** The device as the batch found it, for the heartbeat hooks. */
interface StoredDevice {
  id: string;
  tenantId: string | null;
  status: string;
}

interface StoredHeartbeat {
  response: HeartbeatResponse;
  device: StoredDevice;
}

interface BatchResult {
  devices: DeviceResult[] | null;
  events: EventResult[] | null;
}

/**
 * The heartbeat path (spec §4). Concurrent heartbeats are written together, in one transaction that commits
 * before any of them is answered: one statement updates the devices (telemetry, last seen, the app inventory
 * only when its hash changed, the reported policy version), resolves their effective policies, hands out
 * their open commands and appends the events; then the in-transaction event hooks run. A device that is
 * blocked, unenrolled or deleted, or whose access token is from before a revocation, matches nothing in that
 * statement and is refused. Plugin heartbeat hooks, when a plugin has one, run after the commit.
 */
export class HeartbeatProcessor {
  private readonly batcher: KeyedBatcher<HeartbeatItem, StoredHeartbeat>;
  /** Inventory hash last written per device, so an unchanged inventory is not even sent to the database. */
  private readonly knownAppsHash = new BoundedMap<string, string>(APPS_HASH_CACHE_LIMIT);

  constructor(
    private readonly ctx: MDMContext,
    private readonly commands: CommandManager,
  ) {
    // One lane gives the largest batches and the least work per heartbeat (measured: about a fifth more
    // heartbeats per second than two lanes on two cores); a batch stuck on a row lock opens a spare lane.
    // PGlite has one connection: its transactions run one at a time anyway.
    this.batcher = new KeyedBatcher((items) => this.writeBatch(items), {
      maxBatch: MAX_BATCH,
      lanes: 1,
      ...(ctx.database.driver === 'pglite' ? {} : { spareLaneAfterMs: SPARE_LANE_AFTER_MS, maxLanes: 4 }),
    });
  }

  async process(deviceId: string, body: unknown, tokenGeneration?: number): Promise<HeartbeatResponse> {
    const heartbeat = parseHeartbeat(body);
    const apps = heartbeat.installedApps ?? null;
    const appsHash = apps ? createHash('sha256').update(JSON.stringify(apps)).digest('hex') : null;
    const { response, device } = await this.batcher.submit({
      key: deviceId,
      generation: tokenGeneration ?? null,
      heartbeat,
      telemetry: telemetryFromHeartbeat(heartbeat),
      apps: appsHash !== null && this.knownAppsHash.get(deviceId) === appsHash ? null : apps,
      appsHash,
      reported: heartbeat.policyVersion === undefined ? null : String(heartbeat.policyVersion),
    });
    if (this.ctx.heartbeatHookRunner) return this.withPluginCommands(device, heartbeat, response);
    return response;
  }

  /** Waits for queued heartbeats to be written. */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  private async writeBatch(items: HeartbeatItem[]): Promise<Map<HeartbeatItem, StoredHeartbeat | Error>> {
    const input = JSON.stringify(
      items.map((i) => ({
        id: i.key,
        gen: i.generation,
        telemetry: i.telemetry,
        apps: i.apps,
        apps_hash: i.appsHash,
        reported: i.reported,
        agent_version: i.heartbeat.agentVersion ?? null,
        battery_level: i.heartbeat.batteryLevel ?? null,
      })),
    );
    // The statement appends the events itself. When an in-transaction hook (webhook outbox, audit) has work,
    // it runs in the statement's transaction before the commit; when none has, the single statement commits
    // on its own (atomic all the same) and saves the BEGIN and COMMIT round trips. The bus hears after either.
    const statement = compiledBatchStatement(input);
    const { rows, stored } = this.ctx.eventsStoredHooksIdle()
      ? unpack(await this.ctx.database.query<{ result: BatchResult }>(this.ctx.db, statement))
      : await this.ctx.database.transaction(async (tx) => {
          const result = unpack(await this.ctx.database.query<{ result: BatchResult }>(tx, statement));
          for (const hook of this.ctx.eventsStoredHooks) await hook(tx, result.stored);
          return result;
        });
    if (stored.length > 0) this.ctx.committed(stored);

    const results = new Map<HeartbeatItem, StoredHeartbeat | Error>();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const refused: HeartbeatItem[] = [];
    for (const item of items) {
      const row = byId.get(item.key);
      if (!row) {
        refused.push(item);
        continue;
      }
      this.rememberAppsHash(item, row);
      results.set(item, {
        response: toResponse(row),
        device: { id: row.id, tenantId: row.tenant_id, status: row.status },
      });
    }
    if (refused.length > 0) {
      const states = await this.ctx.db
        .select({ id: devices.id, ...deviceAccessColumns })
        .from(devices)
        .where(inArray(devices.id, [...new Set(refused.map((i) => i.key))]));
      for (const item of refused) {
        const denied = deviceAccessError(
          item.key,
          states.find((s) => s.id === item.key),
          item.generation ?? undefined,
        );
        results.set(item, denied ?? new Error(`heartbeat of device ${item.key} was not stored`));
      }
    }
    return results;
  }

  private rememberAppsHash(item: HeartbeatItem, row: DeviceResult): void {
    if (row.apps_stale || item.appsHash === null) {
      this.knownAppsHash.delete(item.key);
      return;
    }
    this.knownAppsHash.set(item.key, item.appsHash);
  }

  /**
   * Plugins may queue commands from their heartbeat hooks; those go out in this same response. The hooks run
   * once the heartbeat is stored, with the device as the batch found it (no further read).
   */
  private async withPluginCommands(
    device: StoredDevice,
    heartbeat: AgentHeartbeat,
    response: HeartbeatResponse,
  ): Promise<HeartbeatResponse> {
    if (!(managedDeviceStatuses as readonly string[]).includes(device.status)) return response;
    const outcome = await this.ctx.runHeartbeatHooks({
      device: { id: device.id, tenantId: device.tenantId },
      heartbeat,
    });
    if (outcome.commands.length === 0) return response;
    const more = await this.commands.takeForDelivery(device.id, COMMANDS_PER_HEARTBEAT);
    const seen = new Set(response.pendingCommands.map((c) => c.id));
    return {
      ...response,
      pendingCommands: [...response.pendingCommands, ...more.filter((c) => !seen.has(c.id)).map(wireCommand)],
    };
  }
}

function unpack(result: { result: BatchResult }[]): { rows: DeviceResult[]; stored: AnyMDMEvent[] } {
  const batch = result[0]!.result;
  return { rows: batch.devices ?? [], stored: (batch.events ?? []).map(eventFromResult) };
}

function toResponse(row: DeviceResult): HeartbeatResponse {
  const response: HeartbeatResponse = {
    success: true,
    pendingCommands: row.commands.map((c) => ({
      id: c.id,
      type: c.type,
      payload: c.payload ?? {},
      status: 'sent',
      createdAt: c.createdAt,
    })),
  };
  if (row.send_policy && row.policy_id && row.policy_name !== null && row.policy_version !== null) {
    response.policyUpdate = {
      id: row.policy_id,
      name: row.policy_name,
      version: String(row.policy_version),
      settings: row.policy_settings ?? {},
    };
  }
  return response;
}

function eventFromResult(e: EventResult): AnyMDMEvent {
  return {
    id: e.id,
    type: e.type,
    tenantId: e.tenant_id,
    deviceId: e.device_id,
    commandId: e.command_id,
    payload: e.payload,
    createdAt: new Date(e.created_at),
  } as AnyMDMEvent;
}

const INPUT_PLACEHOLDER = '\u0000openmdm-heartbeat-input';
let compiled: { text: string; values: unknown[]; inputAt: number } | null = null;

/**
 * The batch statement compiled once: its text never changes, so the driver prepares it once per connection
 * (a cached plan for a large recursive statement) and each batch only sends its JSON parameter.
 */
function compiledBatchStatement(input: string): PreparedStatement {
  if (!compiled) {
    const query = new PgDialect().sqlToQuery(batchStatement(INPUT_PLACEHOLDER));
    compiled = { text: query.sql, values: query.params, inputAt: query.params.indexOf(INPUT_PLACEHOLDER) };
  }
  const values = [...compiled.values];
  values[compiled.inputAt] = input;
  return { name: 'openmdm_heartbeat_batch', text: compiled.text, values };
}

const active = sql.raw(activeDeviceStatuses.map((s) => `'${s}'`).join(', '));
const managed = sql.raw(managedDeviceStatuses.map((s) => `'${s}'`).join(', '));

/**
 * One statement for a whole batch, with one parameter (so its text never changes). `hb_old` reads each device
 * once by primary key: the snapshot every later step compares with. `hb_plan` decides per device whether the
 * inventory and the policy must change: `policyUpdate` goes out when the reported version differs from the
 * effective policy's, or when the device last received another policy (two policies can share a version
 * number). `hb_upd` writes; `hb_due`/`hb_sent` hand out open commands (rows another delivery holds are
 * skipped, never sent twice); `hb_events` appends `device.heartbeat`, `policy.applied` (when the reported
 * version changed; `policyId` is the policy the device had been given) and `command.sent`.
 */
function batchStatement(input: string) {
  return sql`
    with recursive hb as (
      select * from jsonb_to_recordset(${input}::jsonb) as x(
        id text, gen int, telemetry jsonb, apps jsonb, apps_hash text, reported text, agent_version text,
        battery_level int)
    ),
    hb_old as (
      select d.* from hb cross join lateral (
        select d.id, d.status, d.policy_id, d.tenant_id, d.apps_hash, d.reported_policy_version, d.applied_policy_id
          from mdm_devices d
          where d.id = hb.id and d.deleted_at is null and d.status in (${active})
            and (hb.gen is null or d.token_generation = hb.gen)
          -- keeps the lookup a primary-key probe per heartbeat; unlimited, the planner may hash-join all devices
          limit 1
      ) d
    ),
    ${effectivePolicyCtes(sql`select id, policy_id, tenant_id from hb_old`)},
    hb_plan as (
      select o.id, o.apps_hash as old_hash, o.reported_policy_version as old_reported, o.applied_policy_id as old_applied,
             hb.telemetry, hb.apps, hb.apps_hash, hb.reported, hb.agent_version, hb.battery_level,
             p.id as policy_id, p.name as policy_name, p.version as policy_version,
             (o.status in (${managed}) and p.id is not null
               and (hb.reported is distinct from p.version::text or o.applied_policy_id is distinct from p.id)) as send_policy
        from hb_old o join hb on hb.id = o.id
        left join effective_policy e on e.device_id = o.id
        left join mdm_policies p on p.id = e.policy_id
    ),
    hb_upd as (
      update mdm_devices d set
        telemetry = pl.telemetry,
        last_seen_at = case when d.last_seen_at > now() - make_interval(secs => ${LAST_SEEN_RESOLUTION_SECONDS})
                            then d.last_seen_at else now() end,
        updated_at = now(),
        agent_version = coalesce(pl.agent_version, d.agent_version),
        installed_apps = case when pl.apps is not null and pl.apps_hash is distinct from pl.old_hash
                              then pl.apps else d.installed_apps end,
        apps_hash = case when pl.apps is not null then pl.apps_hash else d.apps_hash end,
        reported_policy_version = pl.reported,
        applied_policy_version = case when pl.reported ~ '^[0-9]{1,9}$' then pl.reported::int end,
        applied_policy_id = case when pl.send_policy then pl.policy_id else d.applied_policy_id end
        from hb_plan pl
        -- Only the id conditions may use an index, so the update is a primary-key probe per device: a plain
        -- status test invites a scan of every active device through the status index (stale statistics).
        where d.id = pl.id and d.id = any(array(select id from hb_plan))
          and d.deleted_at is null and coalesce(d.status in (${active}), false)
        returning d.id, d.tenant_id, d.status
    ),
    hb_due as (
      select c.id, c.status from hb_upd u cross join lateral (
        select c.id, c.status from mdm_commands c
          where c.device_id = u.id and c.status in ('pending', 'sent')
            and (c.expires_at is null or c.expires_at > now())
          order by c.created_at, c.id
          limit ${COMMANDS_PER_HEARTBEAT}
          for update skip locked
      ) c
      where u.status in (${managed})
    ),
    hb_sent as (
      update mdm_commands c set
        status = 'sent',
        sent_at = coalesce(c.sent_at, now()),
        delivery_count = c.delivery_count + 1,
        next_push_at = null,
        updated_at = now()
        from hb_due due
        where c.id = due.id
        returning c.id, c.device_id, c.tenant_id, c.type, c.payload, c.created_at, due.status as prev_status
    ),
    hb_events as (
      insert into mdm_events (type, device_id, command_id, tenant_id, payload)
      select 'device.heartbeat', u.id, null, u.tenant_id,
             jsonb_build_object('deviceId', u.id, 'batteryLevel', pl.battery_level,
                                'appsChanged', pl.apps is not null and pl.apps_hash is distinct from pl.old_hash)
        from hb_upd u join hb_plan pl on pl.id = u.id
      union all
      select 'policy.applied', u.id, null, u.tenant_id,
             jsonb_build_object('deviceId', u.id, 'policyId', pl.old_applied, 'reported', pl.reported,
                                'version', case when pl.reported ~ '^[0-9]{1,9}$' then pl.reported::int end)
        from hb_upd u join hb_plan pl on pl.id = u.id
        where pl.reported is not null and pl.reported is distinct from pl.old_reported
      union all
      select 'command.sent', s.device_id, s.id, s.tenant_id,
             jsonb_build_object('commandId', s.id, 'deviceId', s.device_id, 'type', s.type, 'via', 'heartbeat')
        from hb_sent s where s.prev_status = 'pending'
      returning id, type, device_id, command_id, tenant_id, payload, created_at
    )
    select json_build_object(
      'devices', (
        select json_agg(json_build_object(
          'id', u.id, 'tenant_id', u.tenant_id, 'status', u.status,
          'apps_stale', pl.apps is null and pl.apps_hash is not null and pl.apps_hash is distinct from pl.old_hash,
          'send_policy', pl.send_policy, 'policy_id', pl.policy_id, 'policy_name', pl.policy_name,
          'policy_version', pl.policy_version,
          'policy_settings', case when pl.send_policy then p.settings end,
          'commands', coalesce((
            select json_agg(json_build_object(
                     'id', s.id, 'type', s.type, 'payload', s.payload,
                     'createdAt', to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                   order by s.created_at, s.id)
              from hb_sent s where s.device_id = u.id
          ), '[]'::json)))
          from hb_upd u
          join hb_plan pl on pl.id = u.id
          left join mdm_policies p on p.id = pl.policy_id
      ),
      'events', (
        select json_agg(json_build_object(
                 'id', e.id::text, 'type', e.type, 'device_id', e.device_id, 'command_id', e.command_id,
                 'tenant_id', e.tenant_id, 'payload', e.payload, 'created_at', e.created_at)
               order by e.id)
          from hb_events e
      )
    ) as result
  `;
}
