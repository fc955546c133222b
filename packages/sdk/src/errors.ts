import type { z } from 'zod';

export interface ErrorIssue {
  path: (string | number)[];
  message: string;
  code?: string;
}

/** Base class of every error the SDK throws on purpose. `code` is stable and safe to branch on. */
export class MDMError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Input did not match its schema. `issues` carries each failing field path. */
export class ValidationError extends MDMError {
  readonly issues: ErrorIssue[];

  constructor(message: string, issues: ErrorIssue[]) {
    super('VALIDATION_ERROR', message, { issues });
    this.issues = issues;
  }

  static fromZod(error: z.ZodError, context?: string): ValidationError {
    const issues = error.issues.map((issue) => ({
      path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      message: issue.message,
      code: issue.code,
    }));
    const first = issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    const prefix = context ? `${context}: ` : '';
    return new ValidationError(`${prefix}${first?.message ?? 'invalid input'}${where}`, issues);
  }
}

export class NotFoundError extends MDMError {
  constructor(entity: string, id: string) {
    super('NOT_FOUND', `${entity} not found: ${id}`, { entity, id });
  }
}

export class ConflictError extends MDMError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONFLICT', message, details);
  }
}

/** A state-machine transition that the current state does not allow. */
export class InvalidTransitionError extends MDMError {
  constructor(entity: string, id: string, from: string, to: string) {
    super('INVALID_TRANSITION', `${entity} ${id} cannot go from ${from} to ${to}`, { entity, id, from, to });
  }
}
