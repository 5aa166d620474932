import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { freePort } from '../helpers';

/**
 * A test LTI 1.3 platform (an LMS as far as Epoch can tell), built on jose and following the IMS messages field by
 * field: its issuer, JWKS, OIDC authorization endpoint (answers the tool's login with an auto-submitting form_post of
 * a signed id_token, as Canvas and Moodle do), token endpoint (client_credentials with the tool's signed JWT assertion,
 * checked against the tool's JWKS), NRPS memberships, and the Deep Linking return endpoint (checks the tool's
 * signed response). The tests queue launches by login_hint and may make them hostile (forged key, stale, foreign
 * audience, replayed nonce).
 */
export const LTI_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';

export interface LaunchSpec {
  sub: string;
  name?: string;
  email?: string;
  roles: string[];
  context: { id: string; title: string };
  /** A resource link launch (absent: a Deep Linking request). */
  resourceLink?: { id: string; title: string };
  custom?: Record<string, string>;
  deploymentId?: string;
  /** Hostile changes: claims replaced in the id_token, a foreign signing key, a nonce of another login. */
  override?: Record<string, unknown>;
  signWith?: 'platform' | 'forger';
  nonce?: string;
}

export interface TestPlatform {
  issuer: string;
  clientId: string;
  deploymentId: string;
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  /** Queues a launch; its login_hint. */
  prepare: (spec: LaunchSpec) => string;
  /** The nonces the platform has answered logins with (for replay tests). */
  nonces: string[];
  /** Deep Linking responses received (verified against the tool's JWKS). */
  deepLinkResponses: JWTPayload[];
  /** Rotates the platform's signing key (the old one leaves its JWKS). */
  rotateKey: () => Promise<void>;
  members: Map<string, { user_id: string; roles: string[]; name: string; email: string; status: 'Active' | 'Inactive' }[]>;
  tokenRequests: { scope: string; ok: boolean; error?: string }[];
  /** AGS: line items per context, the scores received per line item URL, and how many score posts to refuse next. */
  lineItems: Map<string, { id: string; label: string; scoreMaximum: number; resourceId?: string; resourceLinkId?: string }[]>;
  scores: Map<string, Record<string, unknown>[]>;
  refuseScores: number;
  stop: () => Promise<void>;
  /** Where the tool's JWKS is (set once the tool is running). */
  toolJwksUrl: string;
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

const html = (res: ServerResponse, status: number, body: string): void => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
};
const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json'): void => {
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
};
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** What an admin enters on Epoch's LMS page to register this platform (POST /api/admin/lti/platforms). */
export function registrationOf(platform: TestPlatform, name: string) {
  return {
    name,
    issuer: platform.issuer,
    clientId: platform.clientId,
    authUrl: platform.authUrl,
    tokenUrl: platform.tokenUrl,
    jwksUrl: platform.jwksUrl,
    deploymentIds: [platform.deploymentId],
  };
}

export async function startTestPlatform(): Promise<TestPlatform> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = `epoch-client-${randomUUID().slice(0, 8)}`;
  const deploymentId = `deployment-${randomUUID().slice(0, 8)}`;
  let key = await newKey();
  const forger = await newKey(key.kid);
  const pending = new Map<string, LaunchSpec>();
  const platform: TestPlatform = {
    issuer,
    clientId,
    deploymentId,
    authUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    jwksUrl: `${issuer}/jwks`,
    nonces: [],
    deepLinkResponses: [],
    members: new Map(),
    tokenRequests: [],
    lineItems: new Map(),
    scores: new Map(),
    refuseScores: 0,
    toolJwksUrl: '',
    prepare: (spec) => {
      const hint = randomUUID();
      pending.set(hint, spec);
      return hint;
    },
    rotateKey: async () => {
      key = await newKey();
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };

  async function idToken(spec: LaunchSpec, nonce: string, redirectUri: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const base: Record<string, unknown> = {
      iss: issuer,
      sub: spec.sub,
      aud: [clientId],
      azp: clientId,
      iat: now,
      exp: now + 300,
      nonce: spec.nonce ?? nonce,
      name: spec.name,
      email: spec.email,
      [`${LTI_CLAIM}deployment_id`]: spec.deploymentId ?? deploymentId,
      [`${LTI_CLAIM}version`]: '1.3.0',
      [`${LTI_CLAIM}roles`]: spec.roles,
      [`${LTI_CLAIM}context`]: { id: spec.context.id, title: spec.context.title, type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] },
      [`${LTI_CLAIM}tool_platform`]: { guid: 'test-platform', name: 'Epoch test platform', product_family_code: 'epoch-tests' },
      [`${LTI_CLAIM}launch_presentation`]: { document_target: 'iframe', return_url: `${issuer}/return` },
      'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': {
        context_memberships_url: `${issuer}/nrps/${encodeURIComponent(spec.context.id)}`,
        service_versions: ['2.0'],
      },
      'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
        scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem', 'https://purl.imsglobal.org/spec/lti-ags/scope/score'],
        lineitems: `${issuer}/ags/${encodeURIComponent(spec.context.id)}/lineitems`,
        ...(spec.resourceLink
          ? { lineitem: `${issuer}/ags/${encodeURIComponent(spec.context.id)}/lineitems/${encodeURIComponent(spec.resourceLink.id)}` }
          : {}),
      },
      ...(spec.custom ? { [`${LTI_CLAIM}custom`]: spec.custom } : {}),
    };
    if (spec.resourceLink) {
      base[`${LTI_CLAIM}message_type`] = 'LtiResourceLinkRequest';
      base[`${LTI_CLAIM}target_link_uri`] = redirectUri;
      base[`${LTI_CLAIM}resource_link`] = { id: spec.resourceLink.id, title: spec.resourceLink.title };
    } else {
      base[`${LTI_CLAIM}message_type`] = 'LtiDeepLinkingRequest';
      base['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'] = {
        deep_link_return_url: `${issuer}/deep-link-return`,
        accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['iframe', 'window'],
        accept_multiple: false,
        data: 'opaque-platform-data-42',
      };
    }
    const payload = { ...base, ...(spec.override ?? {}) };
    for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
    const signer = spec.signWith === 'forger' ? forger : key;
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: 'JWT' }).sign(signer.privateKey);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/jwks') return json(res, 200, { keys: [key.publicJwk] });
    if (req.method === 'GET' && url.pathname === '/course-page') {
      // An LMS course page that shows the tool in an iframe (document_target "iframe"), starting at its login URL.
      const tool = url.searchParams.get('tool') ?? '';
      if (!/^https?:\/\//.test(tool)) return html(res, 400, '<p>tool must be an http(s) URL</p>');
      return html(
        res,
        200,
        `<!doctype html><title>LMS course</title><link rel="icon" href="data:,"><h1>Week 1</h1>` +
          `<iframe id="tool" title="Epoch" src="${esc(tool)}" width="1200" height="760" allow="clipboard-write"></iframe>`,
      );
    }
    if (req.method === 'GET' && url.pathname === '/auth') {
      // The OIDC authentication request of LTI (Security Framework §5.1.1.2): every parameter as the spec says.
      const q = Object.fromEntries(url.searchParams);
      const problems: string[] = [];
      if (q['scope'] !== 'openid') problems.push('scope must be openid');
      if (q['response_type'] !== 'id_token') problems.push('response_type must be id_token');
      if (q['response_mode'] !== 'form_post') problems.push('response_mode must be form_post');
      if (q['prompt'] !== 'none') problems.push('prompt must be none');
      if (q['client_id'] !== clientId) problems.push('unknown client_id');
      if (!q['nonce'] || !q['state']) problems.push('nonce and state are required');
      const spec = pending.get(q['login_hint'] ?? '');
      if (!spec) problems.push('unknown login_hint');
      if (problems.length) return html(res, 400, `<p>invalid_request: ${esc(problems.join('; '))}</p>`);
      platform.nonces.push(q['nonce']!);
      const token = await idToken(spec!, q['nonce']!, q['redirect_uri']!);
      return html(
        res,
        200,
        `<!doctype html><form id="lti" method="post" action="${esc(q['redirect_uri']!)}"><input type="hidden" name="id_token" value="${esc(token)}">` +
          `<input type="hidden" name="state" value="${esc(q['state']!)}"></form><script>document.getElementById('lti').submit()</script>`,
      );
    }
    if (req.method === 'POST' && url.pathname === '/deep-link-return') {
      const form = await readBody(req);
      try {
        const { payload } = await jwtVerify(form.get('JWT') ?? '', createRemoteJWKSet(new URL(platform.toolJwksUrl)), { issuer: clientId, audience: issuer });
        platform.deepLinkResponses.push(payload);
        return html(res, 200, '<p data-testid="dl-received">Deep Linking response received</p>');
      } catch (e) {
        return html(res, 400, `<p>refused: ${esc(e instanceof Error ? e.message : String(e))}</p>`);
      }
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      // client_credentials with a JWT client assertion signed by the tool (Security Framework §4.1).
      const form = await readBody(req);
      const scope = form.get('scope') ?? '';
      try {
        if (form.get('grant_type') !== 'client_credentials') throw new Error('unsupported_grant_type');
        if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') throw new Error('invalid_client');
        await jwtVerify(form.get('client_assertion') ?? '', createRemoteJWKSet(new URL(platform.toolJwksUrl)), {
          issuer: clientId,
          subject: clientId,
          audience: platform.tokenUrl,
        });
        platform.tokenRequests.push({ scope, ok: true });
        return json(res, 200, { access_token: `at-${randomUUID()}`, token_type: 'Bearer', expires_in: 3600, scope });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        platform.tokenRequests.push({ scope, ok: false, error });
        return json(res, 400, { error: 'invalid_client', error_description: error });
      }
    }
    const bearer = (req.headers.authorization ?? '').startsWith('Bearer at-');
    const items = /^\/ags\/([^/]+)\/lineitems$/.exec(url.pathname);
    if (items) {
      if (!bearer) return json(res, 401, { error: 'invalid_token' });
      const context = decodeURIComponent(items[1]!);
      const list = platform.lineItems.get(context) ?? [];
      if (req.method === 'GET') {
        const rl = url.searchParams.get('resource_link_id');
        return json(
          res,
          200,
          list.filter((l) => !rl || l.resourceLinkId === rl),
          'application/vnd.ims.lis.v2.lineitemcontainer+json',
        );
      }
      if (req.method === 'POST') {
        const body = (await readJson(req)) as { label: string; scoreMaximum: number; resourceId?: string; resourceLinkId?: string };
        const item = { ...body, id: `${issuer}/ags/${encodeURIComponent(context)}/lineitems/${encodeURIComponent(body.resourceLinkId ?? randomUUID())}` };
        platform.lineItems.set(context, [...list, item]);
        return json(res, 201, item, 'application/vnd.ims.lis.v2.lineitem+json');
      }
    }
    const scores = /^\/ags\/([^/]+)\/lineitems\/([^/]+)\/scores$/.exec(url.pathname);
    if (req.method === 'POST' && scores) {
      if (!bearer) return json(res, 401, { error: 'invalid_token' });
      if (req.headers['content-type'] !== 'application/vnd.ims.lis.v1.score+json') return json(res, 415, { error: 'unsupported media type' });
      const score = (await readJson(req)) as Record<string, unknown>;
      if (platform.refuseScores > 0) {
        platform.refuseScores--;
        return json(res, 422, { error: 'invalid_grade', error_description: 'the gradebook column is locked for grading' });
      }
      const lineItem = `${issuer}/ags/${scores[1]}/lineitems/${scores[2]}`;
      platform.scores.set(lineItem, [...(platform.scores.get(lineItem) ?? []), score]);
      res.writeHead(204).end();
      return;
    }
    const nrps = /^\/nrps\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && nrps) {
      if (!(req.headers.authorization ?? '').startsWith('Bearer at-')) return json(res, 401, { error: 'invalid_token' });
      const context = decodeURIComponent(nrps[1]!);
      return json(
        res,
        200,
        { id: url.href, context: { id: context }, members: platform.members.get(context) ?? [] },
        'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
      );
    }
    return json(res, 404, { error: 'not_found' });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => json(res, 500, { error: String(e) }));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return platform;
}

async function newKey(kid: string = randomUUID()): Promise<{ kid: string; privateKey: CryptoKey; publicJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** The auto-submitting form a platform answers the login with: its action and fields. */
export function formPost(page: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
  if (!action) throw new Error(`no form in the platform's answer:\n${page.slice(0, 1000)}`);
  const fields: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]!] = m[2]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
  return { action: action.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))), fields };
}
