'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { sendJson } from '../lib/browser-api';
import { failure, Outcome, type TOutcome } from './form-outcome';

const FIELDS = [
  ['name', 'Name (for you)', 'Canvas at Uni'],
  ['issuer', 'Issuer (platform ID)', 'https://canvas.instructure.com'],
  ['clientId', 'Client ID', '10000000000001'],
  ['authUrl', 'Authorization (OIDC auth) URL', 'https://sso.canvaslms.com/api/lti/authorize_redirect'],
  ['tokenUrl', 'Access token URL', 'https://sso.canvaslms.com/login/oauth2/token'],
  ['jwksUrl', 'Public keyset (JWKS) URL', 'https://sso.canvaslms.com/api/lti/security/jwks'],
  ['deploymentIds', 'Deployment IDs (comma-separated)', '1:8865aa05b4b79b64a91a86042e43af5ea8ae79eb'],
] as const;

/** Registers an LMS platform (the values its LTI 1.3 registration shows). */
export function RegisterPlatformForm({ csrfToken }: { csrfToken: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    setBusy(true);
    setOutcome(null);
    try {
      await sendJson(
        'POST',
        '/api/admin/lti/platforms',
        { ...data, deploymentIds: (data['deploymentIds'] ?? '').split(/[\s,]+/).filter(Boolean) },
        { csrfToken },
      );
      setOutcome({ ok: true, text: `${data['name']} is registered`, lines: [] });
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="form"
      data-testid="lti-register"
      onSubmit={(e) => {
        submit(e).catch(() => undefined);
      }}
    >
      {FIELDS.map(([name, label, placeholder]) => (
        <label key={name}>
          {label}
          <input name={name} placeholder={placeholder} required />
        </label>
      ))}
      <button type="submit" className="primary" disabled={busy}>
        Register the platform
      </button>
      <Outcome outcome={outcome} id="lti-admin-outcome" />
    </form>
  );
}

/** Rotates Epoch's tool keys (the published next key starts signing). */
export function RotateKeysButton({ csrfToken }: { csrfToken: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  return (
    <>
      <button
        type="button"
        onClick={() => {
          sendJson<{ current: string }>('POST', '/api/admin/lti/keys/rotate', {}, { csrfToken })
            .then((r) => {
              setOutcome({ ok: true, text: `key ${r.current.slice(0, 12)}… now signs`, lines: [] });
              router.refresh();
            })
            .catch((err: unknown) => setOutcome(failure(err)));
        }}
      >
        Rotate the keys
      </button>
      <Outcome outcome={outcome} id="lti-keys-outcome" />
    </>
  );
}
