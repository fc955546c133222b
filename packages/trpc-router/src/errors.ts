import { MDMError, ValidationError } from '@openmdm/sdk';
import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';
import { z } from 'zod';

/** SDK error codes and the tRPC code each one becomes. Anything else is an internal error. */
const codes: Record<string, TRPC_ERROR_CODE_KEY> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  VALIDATION_ERROR: 'BAD_REQUEST',
  INVALID_TRANSITION: 'PRECONDITION_FAILED',
  DEVICE_NOT_ACTIVE: 'PRECONDITION_FAILED',
  NOT_CONFIGURED: 'PRECONDITION_FAILED',
  STORAGE_NOT_CONFIGURED: 'PRECONDITION_FAILED',
  STORAGE_UPLOAD_URLS_UNAVAILABLE: 'PRECONDITION_FAILED',
  STREAM_OVERFLOW: 'TOO_MANY_REQUESTS',
};

/**
 * The one place where SDK errors become tRPC errors. A validation error becomes `BAD_REQUEST` whose cause is a
 * `ZodError` with the field paths, exactly like a failed input parse, so one error formatter serves both.
 * Returns null for errors that are not the SDK's.
 */
export function toTRPCError(error: unknown): TRPCError | null {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (!(cause instanceof MDMError)) return null;
  if (cause instanceof ValidationError) {
    const zodError = new z.ZodError(
      cause.issues.map((issue) => ({
        code: 'custom' as const,
        path: issue.path,
        message: issue.message,
        input: undefined,
      })),
    );
    return new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause: zodError });
  }
  return new TRPCError({ code: codes[cause.code] ?? 'INTERNAL_SERVER_ERROR', message: cause.message, cause });
}

/** Rethrows `error` as the tRPC error it maps to (or as it is). */
export function rethrowMapped(error: unknown): never {
  throw toTRPCError(error) ?? error;
}

export interface MDMErrorData {
  /** The SDK's stable code (`NOT_FOUND`, `INVALID_TRANSITION`, …), when the error came from the SDK. */
  mdmCode: string | null;
  /** The SDK's details, e.g. `{ reason: 'POLICY_IN_USE', devices: 3, groups: 1 }`. */
  details: Record<string, unknown> | null;
  /** Field paths of a bad input. */
  issues: { path: (string | number)[]; message: string }[] | null;
}

/** What an error formatter may expose about an MDM error: `errorFormatter({ shape, error }) => ({ ...shape, data: { ...shape.data, mdm: mdmErrorData(error) } })`. */
export function mdmErrorData(error: TRPCError): MDMErrorData {
  const cause = error.cause;
  if (cause instanceof z.ZodError) {
    return {
      mdmCode: 'VALIDATION_ERROR',
      details: null,
      issues: cause.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: i.message,
      })),
    };
  }
  if (cause instanceof MDMError) return { mdmCode: cause.code, details: cause.details ?? null, issues: null };
  return { mdmCode: null, details: null, issues: null };
}
