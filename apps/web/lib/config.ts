import { z } from 'zod';
import { ZTrustProxy } from '@epoch/contracts';

/** The web server's environment (server-side only), validated once. */
export const ZWebConfig = z.object({
  EPOCH_API_URL: z.url().default('http://127.0.0.1:3001'),
  /** Port and address the web server listens on (apps/web/server.ts). */
  EPOCH_WEB_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  EPOCH_WEB_HOST: z.string().min(1).optional(),
  /**
   * Which hops in front of the web server may set X-Forwarded-For (same syntax as the API's EPOCH_TRUST_PROXY):
   * `false` when browsers reach it directly (their address is the socket's), `1` behind one ingress or proxy.
   */
  EPOCH_WEB_TRUST_PROXY: ZTrustProxy.prefault('false'),
});
export type TWebConfig = z.infer<typeof ZWebConfig>;

export function loadWebConfig(env: Record<string, string | undefined> = process.env): TWebConfig {
  const r = ZWebConfig.safeParse(env);
  if (r.success) return r.data;
  throw new Error(`web: invalid configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
}
