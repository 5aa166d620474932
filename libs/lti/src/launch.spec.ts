import { readFileSync } from 'node:fs';
import { createLocalJWKSet, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { courseRoleOf, LTI, type TResourceLinkLaunch } from './claims';
import { generateToolKey, publicJwks, signingKey, type TToolKey } from './keys';
import { LtiLaunchError, verifyLaunch, type TLaunchExpectation } from './launch';

/** The LTI Core 1.3 specification's example resource link launch (its appendix), field by field. */
const IMS = JSON.parse(readFileSync(new URL('../fixtures/ims-resource-link-launch.json', import.meta.url), 'utf8')) as JWTPayload;
const CLIENT = '962fa4d8-bcbf-49a0-94b2-2de05ad274af';

describe('verifyLaunch', () => {
  let platform: TToolKey;
  let forger: TToolKey;
  let expectation: TLaunchExpectation;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    platform = await generateToolKey();
    forger = await generateToolKey();
    expectation = {
      issuer: 'https://platform.example.edu',
      clientId: CLIENT,
      deploymentIds: ['07940580-b309-415e-a37c-914d387c1150'],
      nonce: IMS.nonce as string,
      jwks: createLocalJWKSet(publicJwks([platform])),
      clockSkewSeconds: 60,
      maxAgeSeconds: 300,
    };
  });

  /** The spec's example, re-dated to now and signed (by the platform's key unless another is given, under the platform's kid). */
  async function token(change: Record<string, unknown> = {}, key: TToolKey = platform): Promise<string> {
    const payload = { ...IMS, iat: now(), exp: now() + 300, ...change };
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: platform.kid, typ: 'JWT' }).sign(await signingKey(key));
  }

  async function refusal(p: Promise<unknown>): Promise<string> {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(LtiLaunchError);
    return (e as LtiLaunchError).code;
  }

  it("accepts the specification's example launch with every claim", async () => {
    const m = await verifyLaunch(await token(), expectation);
    expect(m[LTI.messageType]).toBe('LtiResourceLinkRequest');
    expect(m.sub).toBe('a6d5c443-1f51-4783-ba1a-7686ffe3b54a');
    expect((m[LTI.context] as { title?: string } | undefined)?.title).toBe('Economics as a Social Science');
    expect(m.email).toBe('jane@platform.example.edu');
    expect((m as TResourceLinkLaunch)[LTI.resourceLink].id).toBe('200d101f-2c14-434a-a0f3-57c2a42369fd');
    expect(courseRoleOf(m[LTI.roles])).toBe('STUDENT');
  });

  it('refuses a forged signature, an expired token, a wrong audience or issuer, an old iat', async () => {
    expect(await refusal(verifyLaunch(await token({}, forger), expectation))).toBe('bad_signature');
    expect(await refusal(verifyLaunch(await token({ iat: now() - 400, exp: now() - 200 }), expectation))).toBe('expired');
    expect(await refusal(verifyLaunch(await token({ aud: ['someone-else'], azp: 'someone-else' }), expectation))).toBe('wrong_audience');
    expect(await refusal(verifyLaunch(await token({ iss: 'https://evil.example' }), expectation))).toBe('wrong_issuer');
    expect(await refusal(verifyLaunch(await token({ iat: now() - 3600, exp: now() + 60 }), expectation))).toBe('too_old');
  });

  it('accepts a token within the clock skew, and refuses one beyond it', async () => {
    await expect(verifyLaunch(await token({ iat: now() - 100, exp: now() - 30 }), expectation)).resolves.toBeDefined();
    expect(await refusal(verifyLaunch(await token({ iat: now() - 200, exp: now() - 90 }), expectation))).toBe('expired');
  });

  it("refuses another login's nonce, an unregistered deployment, a foreign azp, and a message missing required claims", async () => {
    expect(await refusal(verifyLaunch(await token({ nonce: 'another-nonce' }), expectation))).toBe('wrong_nonce');
    expect(await refusal(verifyLaunch(await token({ [LTI.deploymentId]: 'not-registered' }), expectation))).toBe('unknown_deployment');
    expect(await refusal(verifyLaunch(await token({ aud: [CLIENT, 'other'], azp: 'other' }), expectation))).toBe('wrong_azp');
    expect(await refusal(verifyLaunch(await token({ aud: [CLIENT, 'other'], azp: undefined }), expectation))).toBe('wrong_azp');
    expect(await refusal(verifyLaunch(await token({ [LTI.resourceLink]: undefined }), expectation))).toBe('invalid_message');
    expect(await refusal(verifyLaunch(await token({ [LTI.version]: '1.1' }), expectation))).toBe('invalid_message');
    expect(await refusal(verifyLaunch('not.a.jwt', expectation))).toBe('invalid_token');
  });

  it('maps LIS roles to course roles', () => {
    expect(courseRoleOf(['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'])).toBe('INSTRUCTOR');
    expect(courseRoleOf(['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'])).toBe('INSTRUCTOR');
    expect(courseRoleOf(['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'])).toBe('STUDENT');
    expect(courseRoleOf([])).toBe('STUDENT');
  });

  it('publishes only the public halves of the keys', () => {
    const jwks = publicJwks([platform]);
    expect(Object.keys(jwks.keys[0]!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(JSON.stringify(jwks)).not.toContain(String(platform.privateJwk.d));
  });
});

describe('AGS score message', () => {
  it("has the specification's example's fields, from a counted result's share of full marks", async () => {
    const { readFileSync: read } = await import('node:fs');
    const example = JSON.parse(read(new URL('../fixtures/ims-score.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const { scoreMessage, scoresUrl } = await import('./services');
    const m = scoreMessage({
      userId: '5323497',
      score: 0.83,
      scoreMaximum: 100,
      timestamp: new Date('2017-04-16T18:54:36.736Z'),
      comment: 'This is exceptional work.',
    });
    expect(Object.keys(m).sort()).toEqual(Object.keys(example).sort());
    expect({ ...m, timestamp: example['timestamp'] }).toEqual(example);
    expect(scoreMessage({ userId: 'u', score: null, scoreMaximum: 100, timestamp: new Date() })).toMatchObject({
      gradingProgress: 'Pending',
      activityProgress: 'Submitted',
    });
    expect(scoresUrl('https://lms.example.edu/2344/lineitems/1234/lineitem?type_id=2')).toBe(
      'https://lms.example.edu/2344/lineitems/1234/lineitem/scores?type_id=2',
    );
  });
});
