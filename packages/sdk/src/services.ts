import type { MDMConfig } from './config.js';
import type { MDMContext } from './context.js';
import type { MDMInstance } from './create-mdm.js';
import { registerBuiltinJobs } from './jobs/builtin-jobs.js';
import { JobRunner } from './jobs/job-runner.js';
import { type JobsSettings, parseJobsConfig } from './jobs/options.js';
import type { CommandManager } from './managers/commands.js';
import { PluginHost } from './plugins/plugin-host.js';
import { PushDispatcher } from './push/dispatcher.js';
import { parseStorageConfig } from './storage/options.js';
import { StorageManager } from './storage/storage-manager.js';
import { WebhookService } from './webhooks/webhook-service.js';

/**
 * What runs beside the managers: plugins, webhooks, push wake-ups, storage and the background jobs. Built
 * (and its config validated) by `createMDM`, started by `ready()`, stopped by `close()`.
 */
export class MDMServices {
  readonly plugins: PluginHost;
  readonly webhooks: WebhookService;
  readonly push: PushDispatcher | null;
  readonly storage: StorageManager;
  readonly jobs: JobRunner;
  readonly jobsSettings: JobsSettings;

  constructor(ctx: MDMContext, config: MDMConfig, commands: CommandManager, instance: () => MDMInstance) {
    this.jobsSettings = parseJobsConfig(config.jobs);
    this.plugins = new PluginHost(ctx, config.plugins ?? [], instance);
    this.webhooks = new WebhookService(ctx, config.webhooks);
    this.push = config.push ? new PushDispatcher(ctx, commands, config.push, config.pushDispatch) : null;
    this.storage = new StorageManager(parseStorageConfig(config.storage), instance);
    this.jobs = new JobRunner(ctx.logger.child({ component: 'jobs' }));
    registerBuiltinJobs(this.jobs, {
      ctx,
      commands,
      settings: this.jobsSettings,
      push: this.push,
      webhooks: this.webhooks.worker,
    });
  }

  /** Called by `ready()` once the database is migrated. */
  async start(): Promise<void> {
    await this.plugins.start();
    await this.webhooks.start(this.jobsSettings.enabled);
    if (this.jobsSettings.enabled) this.jobs.start();
  }

  /** Called by `close()` before the database closes. */
  async stop(): Promise<void> {
    await this.jobs.stop();
    await this.push?.stop();
    await this.webhooks.stop();
    await this.plugins.close();
  }
}
