import { z } from 'zod';
import { ARTIFACT_STORE_ENV } from '@epoch/artifacts';
import { DEFAULT_GPU_MIN_WORK_MACS } from '@epoch/grading';
import { ZFramingOrigins, ZTrustProxy } from '@epoch/contracts';

const flag = (name: string) =>
  z
    .enum(['0', '1', 'true', 'false'], { message: `${name} must be 1/true or 0/false` })
    .default('0')
    .transform((v) => v === '1' || v === 'true');

/** The API's environment, validated once at boot (see the README's configuration table). */
export const ZApiConfig = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  EPOCH_API_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  EPOCH_API_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Port of an internal listener that serves only `/metrics` (Prometheus); the public port then has none. Unset: the
   * public port serves `/metrics` (loopback-only `./epoch up`). Deployments set it and never publish it.
   */
  EPOCH_API_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /**
   * Demo mode (1): the sign-in page lists the demo accounts. Off by default: production mode, which refuses to start
   * while an account has a published demo password. `./epoch up` sets it (demo unless EPOCH_DEMO=0 there).
   */
  EPOCH_DEMO: flag('EPOCH_DEMO'),
  /** The web app's public address, for links in e-mails (password reset links). */
  EPOCH_PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  /** SMTP server for e-mail (`smtp://user:pass@host:587`, `smtps://…`); unset: no e-mail (links are shown to the admin only). */
  EPOCH_SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** The sender of Epoch's e-mails. */
  EPOCH_MAIL_FROM: z.string().min(3).default('Epoch <no-reply@localhost>'),
  /** How long a password reset link works, in minutes. */
  EPOCH_RESET_LINK_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(60),
  /** Private key file of the read-only deploy key the content page pulls course repositories (ssh URLs) with. */
  EPOCH_GIT_SSH_KEY: z.string().min(1).optional(),
  /** known_hosts file for those ssh URLs (unset: a host is accepted the first time and remembered). */
  EPOCH_GIT_KNOWN_HOSTS: z.string().min(1).optional(),
  /** Allow `file://` course repositories (on the API's own disk) on the content page. */
  EPOCH_GIT_ALLOW_LOCAL: flag('EPOCH_GIT_ALLOW_LOCAL'),
  /** Where the prepared CIFAR-10 cache is (`<dir>/cifar10`), read for the lesson's data figures; default: the repository's `.data`. */
  EPOCH_DATA_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** BullMQ key prefix (the grader must use the same one). */
  EPOCH_QUEUE_PREFIX: z.string().min(1).default('bull'),
  /** Mark the session cookie Secure (set it when the API is served over HTTPS). */
  EPOCH_COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  EPOCH_SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  /** How long a resolved session is remembered in one API process, in ms (0: ask Postgres on every request). */
  EPOCH_SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /** Consecutive failed sign-ins before an account is locked, and for how long. */
  EPOCH_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  EPOCH_LOGIN_LOCK_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(15 * 60),
  /** Sign-in attempts allowed per client address per window (against password spraying across accounts). */
  EPOCH_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(20),
  EPOCH_LOGIN_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** How often an SSE stream looks for new status and epochs, in milliseconds. */
  EPOCH_SSE_POLL_MS: z.coerce.number().int().min(50).max(10_000).default(500),
  /** Live-progress streams (SSE) one user may hold open at once in one API process; more are refused (429). */
  EPOCH_SSE_MAX_PER_USER: z.coerce.number().int().min(1).max(1000).default(6),
  /** Rejected submissions one user may make per window (rejected ones use no quota); more are refused (429). */
  EPOCH_REJECTED_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
  EPOCH_REJECTED_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** Run the outbox dispatcher (result e-mails, deadline reminders) in this API process. */
  EPOCH_OUTBOX_DISPATCHER: z
    .enum(['0', '1', 'true', 'false'], { message: 'EPOCH_OUTBOX_DISPATCHER must be 1/true or 0/false' })
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  /** How often the outbox is looked through for messages to deliver, in ms (a message waits at most about this long). */
  EPOCH_OUTBOX_SWEEP_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  /** Delivery tries per outbox message (then FAILED, with the reason), and the first retry's delay in ms (doubling). */
  EPOCH_OUTBOX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  EPOCH_OUTBOX_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  /** How often deadline reminders (24 h before a deadline) are looked for, in seconds (0: never). */
  EPOCH_REMINDER_CHECK_SECONDS: z.coerce.number().int().min(0).max(86_400).default(900),
  /** How often QUEUED submissions without a queue job are re-enqueued, in seconds (0: never). */
  EPOCH_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /**
   * Which hops may set X-Forwarded-For (Express's `trust proxy`): `loopback` (the web's proxy on the same machine),
   * a hop count, or comma-separated addresses/subnets/`linklocal`/`uniquelocal` (e.g. the web pods' network).
   * The client address it yields keys the sign-in rate limit; `false` ignores the header.
   */
  EPOCH_TRUST_PROXY: ZTrustProxy.prefault('loopback'),
  /** Jobs at least this heavy (estimated multiply-accumulates) go to the GPU queue while a grader serves it; 0: every job. */
  EPOCH_GPU_MIN_WORK_MACS: z.coerce.number().min(0).default(DEFAULT_GPU_MIN_WORK_MACS),
  /** Where artifact bytes live (plots, weights): the same store as the graders'. */
  ...ARTIFACT_STORE_ENV,
  /**
   * OpenID Connect sign-in (a university's identity provider): the issuer (discovered from
   * `<issuer>/.well-known/openid-configuration`), the client registered there, and its redirect URI
   * `<EPOCH_PUBLIC_URL>/api/auth/oidc/callback`. Unset issuer: no OIDC sign-in. http:// issuers only on loopback (tests).
   */
  EPOCH_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  EPOCH_OIDC_CLIENT_ID: z.string().min(1).optional(),
  EPOCH_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The provider's name on the sign-in button ("Sign in with <name>"). */
  EPOCH_OIDC_NAME: z.string().min(1).max(60).default('single sign-on'),
  /** The scopes asked for (space-separated; `openid` is required). */
  EPOCH_OIDC_SCOPES: z
    .string()
    .default('openid email profile')
    .refine((v) => v.split(/\s+/).includes('openid'), 'EPOCH_OIDC_SCOPES must include openid'),
  /** The ID token's claims that carry the e-mail address and the display name. */
  EPOCH_OIDC_EMAIL_CLAIM: z.string().min(1).default('email'),
  EPOCH_OIDC_NAME_CLAIM: z.string().min(1).default('name'),
  /** Comma-separated e-mail domains allowed to sign in with OIDC (e.g. `uni.edu,cs.uni.edu`); empty: any. */
  EPOCH_OIDC_ALLOWED_DOMAINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((d) => d.trim().toLowerCase())
        .filter((d) => d.length > 0),
    ),
  /** Password sign-in (1, the default); 0 turns it off (then OIDC must be configured: it is the only way in). */
  EPOCH_PASSWORD_LOGIN: z
    .enum(['0', '1', 'true', 'false'], { message: 'EPOCH_PASSWORD_LOGIN must be 1/true or 0/false' })
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  /** How often the LMS rosters of LTI-linked courses are synced (NRPS), in seconds; 0: only on demand. */
  EPOCH_LTI_ROSTER_SYNC_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(6 * 3600),
  /**
   * Origins allowed to show Epoch in a frame besides the registered LTI platforms' own (their issuer and authorization
   * URL origins): an LMS whose course pages live on another domain than its issuer (a Canvas instance's own domain).
   * Comma- or space-separated. The web app's pages and the API's LTI pages both follow the list the API gives.
   */
  EPOCH_FRAME_ANCESTORS: ZFramingOrigins,
  /** Largest accepted request body (JSON), in bytes. */
  EPOCH_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(1024 * 1024),
});
export type TApiConfig = z.infer<typeof ZApiConfig>;

export class ApiConfigError extends Error {}

/** Rules between variables (the schema above checks each one alone). */
function crossChecks(c: TApiConfig): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (c.EPOCH_OIDC_ISSUER && !c.EPOCH_OIDC_CLIENT_ID)
    out.push({ path: 'EPOCH_OIDC_CLIENT_ID', message: 'EPOCH_OIDC_ISSUER is set: the client id registered there is needed' });
  if (!c.EPOCH_OIDC_ISSUER && (c.EPOCH_OIDC_CLIENT_ID || c.EPOCH_OIDC_CLIENT_SECRET))
    out.push({ path: 'EPOCH_OIDC_ISSUER', message: 'an OIDC client is configured without EPOCH_OIDC_ISSUER' });
  if (!c.EPOCH_PASSWORD_LOGIN && !c.EPOCH_OIDC_ISSUER)
    out.push({ path: 'EPOCH_PASSWORD_LOGIN', message: 'password sign-in cannot be turned off without OIDC sign-in (EPOCH_OIDC_ISSUER): nobody could sign in' });
  return out;
}

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): TApiConfig {
  const r = ZApiConfig.safeParse(env);
  const cross = r.success ? crossChecks(r.data) : [];
  if (r.success && cross.length === 0) return r.data;
  if (r.success) throw new ApiConfigError(`api: invalid configuration:\n${cross.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  throw new ApiConfigError(`api: invalid configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
}

/** Injection tokens (explicit, so the API does not rely on emitted decorator metadata). */
export const API_CONFIG = Symbol('API_CONFIG');
export const PRISMA = Symbol('PRISMA');
/** The accounts use cases bound to the API's database client (@epoch/accounts' bindAccounts). */
export const ACCOUNTS = Symbol('ACCOUNTS');
/** The mailer (nodemailer over EPOCH_SMTP_URL), or null when no SMTP server is configured. */
export const MAILER = Symbol('MAILER');
export const REDIS = Symbol('REDIS');
export const GRADING_QUEUE = Symbol('GRADING_QUEUE');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
/** The grading use cases' dependencies (@epoch/grading's TGradingDeps), assembled once from the ones above. */
export const GRADING_DEPS = Symbol('GRADING_DEPS');
