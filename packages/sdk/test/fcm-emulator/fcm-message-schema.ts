import { z } from 'zod';

/**
 * The part of the FCM HTTP v1 `Message` resource the emulator accepts: token targets with data, Android
 * options and pass-through platform blocks. Protobuf JSON accepts both `snake_case` and `lowerCamelCase`
 * field names, and FCM rejects unknown fields, so the objects are strict.
 */

const RESERVED_DATA_KEYS = new Set(['from', 'notification', 'message_type']);

const dataSchema = z.record(z.string(), z.string()).superRefine((data, ctx) => {
  for (const key of Object.keys(data)) {
    if (RESERVED_DATA_KEYS.has(key) || key.startsWith('google.') || key.startsWith('gcm.')) {
      ctx.addIssue({ code: 'custom', path: [key], message: `Invalid data payload key: ${key}` });
    }
  }
});

/** `google.protobuf.Duration` in JSON: seconds with up to nine fractional digits and an `s` suffix. */
const durationSchema = z.string().regex(/^\d+(\.\d{1,9})?s$/, 'Invalid duration');

const androidSchema = z.strictObject({
  priority: z.enum(['normal', 'high', 'NORMAL', 'HIGH']).optional(),
  ttl: durationSchema.optional(),
  collapse_key: z.string().optional(),
  collapseKey: z.string().optional(),
  restricted_package_name: z.string().optional(),
  restrictedPackageName: z.string().optional(),
  direct_boot_ok: z.boolean().optional(),
  directBootOk: z.boolean().optional(),
  data: dataSchema.optional(),
  notification: z.record(z.string(), z.unknown()).optional(),
  fcm_options: z.record(z.string(), z.unknown()).optional(),
  fcmOptions: z.record(z.string(), z.unknown()).optional(),
});

export const fcmMessageSchema = z.strictObject({
  token: z.string().min(1),
  data: dataSchema.optional(),
  android: androidSchema.optional(),
  notification: z.record(z.string(), z.unknown()).optional(),
  apns: z.record(z.string(), z.unknown()).optional(),
  webpush: z.record(z.string(), z.unknown()).optional(),
  fcm_options: z.record(z.string(), z.unknown()).optional(),
  fcmOptions: z.record(z.string(), z.unknown()).optional(),
});
export type FcmMessage = z.output<typeof fcmMessageSchema>;

export const sendRequestSchema = z.strictObject({
  message: fcmMessageSchema,
  validate_only: z.boolean().optional(),
  validateOnly: z.boolean().optional(),
});
