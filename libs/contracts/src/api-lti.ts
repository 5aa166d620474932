import { z } from 'zod';

const ZHttpsUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, message: `${what} must be an http(s) URL` })
    .max(2000)
    .refine((u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(u), `${what} must use https (http only on loopback)`);

/** POST /api/admin/lti/platforms, PUT …/:id: an LMS registered as an LTI 1.3 platform (the values the LMS shows). */
export const ZLtiPlatformInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    issuer: z.string().trim().min(1).max(500),
    clientId: z.string().trim().min(1).max(255),
    authUrl: ZHttpsUrl('the authorization (OIDC auth) URL'),
    tokenUrl: ZHttpsUrl('the token URL'),
    jwksUrl: ZHttpsUrl('the JWKS (keyset) URL'),
    deploymentIds: z.array(z.string().trim().min(1).max(255)).min(1, 'at least one deployment id').max(100),
  })
  .strict();
export type TLtiPlatformInput = z.infer<typeof ZLtiPlatformInput>;

export const ZLtiPlatformView = ZLtiPlatformInput.extend({ id: z.string(), createdAt: z.string() });
export type TLtiPlatformView = z.infer<typeof ZLtiPlatformView>;

/** What an LMS asks for when registering Epoch as a tool (the admin page shows these). */
export const ZLtiToolConfig = z.object({
  loginUrl: z.string(),
  launchUrl: z.string(),
  deepLinkingUrl: z.string(),
  jwksUrl: z.string(),
  domain: z.string(),
  keys: z.array(z.object({ kid: z.string(), state: z.enum(['NEXT', 'CURRENT', 'RETIRED']), createdAt: z.string() })),
});
export type TLtiToolConfig = z.infer<typeof ZLtiToolConfig>;

/** POST /api/lti/links/:id/exercise and /api/lti/deep-links/:id: the exercise an instructor picked. */
export const ZLtiPickRequest = z.object({ exerciseId: z.string().min(1).max(64) }).strict();
export type TLtiPickRequest = z.infer<typeof ZLtiPickRequest>;

/** GET /api/lti/picks/:id: what the picker shows (the LMS link or deep-linking request, and the exercises on offer). */
export const ZLtiPickView = z.object({
  kind: z.enum(['link', 'deep-link']),
  title: z.string(),
  platform: z.string(),
  exercises: z.array(z.object({ id: z.string(), title: z.string(), courseSlug: z.string(), courseTitle: z.string(), slug: z.string() })),
});
export type TLtiPickView = z.infer<typeof ZLtiPickView>;

/** POST /api/lti/picks/:id: where the browser goes next (the exercise), or the Deep Linking response it posts to the LMS. */
export const ZLtiPickResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('redirect'), url: z.string() }),
  z.object({ kind: z.literal('form_post'), url: z.string(), fields: z.record(z.string(), z.string()) }),
]);
export type TLtiPickResult = z.infer<typeof ZLtiPickResult>;
