import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from '../helpers';

/** One person the test identity provider knows (its dev login form takes the `sub` as the login, any password). */
export interface IdpAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
}

/**
 * A real OpenID provider (panva's certified `oidc-provider`) on loopback: discovery, authorization endpoint with its
 * development login and consent forms, token endpoint (PKCE required), signed ID tokens. Only the accounts and the
 * one client are the test's.
 */
export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, IdpAccount>;
  stop: () => Promise<void>;
}

/**
 * Listens first (so the API can be started with the issuer's address), and takes the client's redirect URI (the API's
 * address) with `register` before the first request.
 */
export async function startIdp(): Promise<TestIdp & { register: (redirectUri: string) => void }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, IdpAccount>();
  const clientId = 'epoch-test';
  const clientSecret = 'epoch-test-secret-0123456789abcdef';
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const register = (redirectUri: string) => {
    handler = makeProvider(redirectUri).callback();
  };
  const makeProvider = (redirectUri: string) =>
    new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      // The scopes' claims go into the ID token (Epoch reads the ID token, as a deployment's provider may be set up to).
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['oidc-test-cookie-key-0123456789'] },
      findAccount: (_ctx, sub) => {
        const a = accounts.get(sub);
        return a ? { accountId: sub, claims: () => ({ ...a }) } : undefined;
      },
    });
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end('the test provider has no client yet');
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    register,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A browser's cookie jar (per host, paths ignored) and redirect following across hosts, for the sign-in dance. */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  cookies(url: string): Map<string, string> {
    const host = new URL(url).host;
    let m = this.jar.get(host);
    if (!m) this.jar.set(host, (m = new Map()));
    return m;
  }

  async fetch(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const jar = this.cookies(url);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers['cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1);
      if (/max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects from `url` until a page answers, or until a URL `stop` accepts (returned unfetched). */
  async follow(
    url: string,
    stop: (u: string) => boolean = () => false,
    init?: { method?: string; form?: Record<string, string> },
  ): Promise<{ url: string; res?: Response }> {
    let current = url;
    let res = await this.fetch(current, init);
    for (let hops = 0; hops < 20; hops++) {
      const loc = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !loc) return { url: current, res };
      current = new URL(loc, current).href;
      if (stop(current)) return { url: current };
      res = await this.fetch(current);
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** The action of the page's first form (the provider's login or consent form). */
export function formAction(html: string, base: string): string {
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no form on the page:\n${html.slice(0, 2000)}`);
  return new URL(m[1]!.replace(/&amp;/g, '&'), base).href;
}
