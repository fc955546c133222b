import { Agent } from 'node:http';
import { type App, type Credential, cert, type ServiceAccount } from 'firebase-admin/app';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { parseInput } from '../../util/validate.js';

/** A service-account key file's content, as downloaded from the Firebase console. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  project_id?: string;
  type?: string;
  private_key_id?: string;
  client_id?: string;
  auth_uri?: string;
  token_uri?: string;
  auth_provider_x509_cert_url?: string;
  client_x509_cert_url?: string;
  universe_domain?: string;
}

interface FcmCommonOptions {
  logger?: Logger;
  /** How long FCM may hold a wake-up for an offline device, unless the message sets `ttlSeconds`. */
  androidTtlSeconds?: number;
  /** The Firebase project number, advertised to the agent as `pushConfig.fcmSenderId`. */
  senderId?: string;
}

/** Use an App the host already initialised; the adapter never deletes it. */
export interface FcmAppOptions extends FcmCommonOptions {
  app: App;
}

/** Let the adapter create (and on `close()` delete) its own App. */
export interface FcmCredentialOptions extends FcmCommonOptions {
  projectId: string;
  /**
   * A service-account key (object, or the path of its JSON file) or any firebase-admin Credential.
   * With `httpAgent`, prefer the path: firebase-admin ignores the agent for the OAuth2 token exchange of a key
   * given as an object (firebase-admin-node#2960), so only the FCM sends would go through it.
   */
  credential: ServiceAccountKey | ServiceAccount | Credential | string;
  /** Carries the FCM (and, see `credential`, OAuth2) requests: proxy, custom TLS. Batches then use HTTP/1.1. */
  httpAgent?: Agent;
}

export type FcmPushAdapterOptions = FcmAppOptions | FcmCredentialOptions;

export type ResolvedFcmOptions = FcmCommonOptions &
  ({ app: App } | { app?: undefined; projectId: string; credential: Credential; httpAgent?: Agent });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCredential(value: unknown): value is Credential {
  return isObject(value) && typeof value.getAccessToken === 'function';
}

function isServiceAccount(value: unknown): value is ServiceAccountKey | ServiceAccount {
  if (!isObject(value)) return false;
  const email = value.client_email ?? value.clientEmail;
  const key = value.private_key ?? value.privateKey;
  return typeof email === 'string' && typeof key === 'string';
}

const optionsSchema = z
  .strictObject({
    app: z
      .custom<App>((v) => isObject(v) && typeof v.name === 'string' && isObject(v.options), {
        message: 'app must be a firebase-admin App (initializeApp())',
      })
      .optional(),
    projectId: z.string().min(1).optional(),
    credential: z
      .custom<ServiceAccountKey | ServiceAccount | Credential | string>(
        (v) => (typeof v === 'string' && v.length > 0) || isCredential(v) || isServiceAccount(v),
        {
          message:
            'credential must be a service-account key (client_email, private_key), its file path or a firebase-admin Credential',
        },
      )
      .optional(),
    httpAgent: z.instanceof(Agent, { message: 'httpAgent must be an http(s).Agent' }).optional(),
    logger: z
      .custom<Logger>(
        (v) =>
          isObject(v) && ['debug', 'info', 'warn', 'error', 'child'].every((m) => typeof v[m] === 'function'),
        {
          message: 'logger must implement debug, info, warn, error and child',
        },
      )
      .optional(),
    androidTtlSeconds: z.number().int().min(0).max(2_419_200).optional(),
    senderId: z.string().regex(/^\d+$/, 'senderId must be the numeric Firebase project number').optional(),
  })
  .superRefine((o, ctx) => {
    if (o.app) {
      for (const key of ['projectId', 'credential', 'httpAgent'] as const) {
        if (o[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `${key} cannot be combined with app: set it on the App`,
          });
        }
      }
      return;
    }
    if (!o.projectId)
      ctx.addIssue({ code: 'custom', path: ['projectId'], message: 'projectId is required without app' });
    if (!o.credential)
      ctx.addIssue({ code: 'custom', path: ['credential'], message: 'credential is required without app' });
  });

const CONTEXT = 'fcmPushAdapter options';

/** Validates the options and turns a service-account key into a Credential, throwing `ValidationError`. */
export function parseFcmOptions(options: FcmPushAdapterOptions): ResolvedFcmOptions {
  const { app, projectId, credential, httpAgent, ...common } = parseInput(optionsSchema, options, CONTEXT);
  if (app) return { ...common, app };
  // Without an app the schema has required both.
  const own = { ...common, projectId: projectId!, httpAgent };
  if (isCredential(credential)) return { ...own, credential };
  try {
    // The app's agent, so that the token exchange takes the sends' route (for a key-file path: #2960).
    // cert() caches its Credential per key, not per agent: with one key, the first agent given wins.
    return { ...own, credential: cert(credential as ServiceAccount | string, httpAgent) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`${CONTEXT}: ${message} at credential`, [{ path: ['credential'], message }]);
  }
}
