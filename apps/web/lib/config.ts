import { z } from 'zod';

/** The web server's environment (server-side only), validated once. */
export const ZWebConfig = z.object({
  EPOCH_API_URL: z.url().default('http://127.0.0.1:3001'),
});
export type TWebConfig = z.infer<typeof ZWebConfig>;

export function loadWebConfig(env: Record<string, string | undefined> = process.env): TWebConfig {
  const r = ZWebConfig.safeParse(env);
  if (r.success) return r.data;
  throw new Error(`web: invalid configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
}
