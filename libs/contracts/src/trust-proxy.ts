import { z } from 'zod';

/** proxy-addr's names for address ranges (Express's `trust proxy`). */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'] as const;
const ZAddressOrSubnet = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);

/**
 * Which hops in front of a server may set X-Forwarded-For, as Express's `trust proxy` takes it: `false` (none: the
 * client is the socket's peer), a hop count, or comma-separated addresses, subnets and named ranges (`loopback`,
 * `linklocal`, `uniquelocal`). One syntax for the API (EPOCH_TRUST_PROXY) and the web server (EPOCH_WEB_TRUST_PROXY).
 */
export const ZTrustProxy = z
  .string()
  .min(1)
  .transform((v, ctx): false | number | string[] => {
    if (v === 'false') return false;
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const parts = v.split(',').map((p) => p.trim());
    const bad = parts.find((p) => !(NAMED_RANGES as readonly string[]).includes(p) && !ZAddressOrSubnet.safeParse(p).success);
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `"${bad}" is not loopback, linklocal, uniquelocal, an IP address or a subnet` });
      return z.NEVER;
    }
    return parts;
  });
export type TTrustProxy = z.output<typeof ZTrustProxy>;

/** A framing origin as CSP's frame-ancestors takes it: scheme and host (and port), nothing else. */
export const ZFramingOrigin = z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'an origin like https://lms.example.edu');

/** Origins, comma- or space-separated (an environment variable), as a checked list; empty: none. */
export const ZFramingOrigins = z
  .string()
  .default('')
  .transform((v) => v.split(/[\s,]+/).filter((o) => o !== ''))
  .pipe(z.array(ZFramingOrigin));
