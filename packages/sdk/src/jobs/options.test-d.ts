import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  EventRetentionConfig,
  eventRetentionSchema,
  WebhookRetentionConfig,
  webhookRetentionSchema,
} from './options.js';

describe('retention config types', () => {
  it('are what their schemas accept', () => {
    expectTypeOf<EventRetentionConfig>().toEqualTypeOf<z.input<typeof eventRetentionSchema>>();
    expectTypeOf<WebhookRetentionConfig>().toEqualTypeOf<z.input<typeof webhookRetentionSchema>>();
  });
});
