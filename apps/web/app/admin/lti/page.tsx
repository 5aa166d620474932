import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RegisterPlatformForm, RotateKeysButton } from '../../../components/lti-admin';
import { api, ApiError } from '../../../lib/api-client';
import { signInOn401 } from '../../../lib/require-user';

export const metadata: Metadata = { title: 'LMS platforms · Epoch' };
export const dynamic = 'force-dynamic';

/** The LMS (LTI 1.3) page: what to enter in the LMS, the registered platforms, Epoch's keys. See docs/LMS.md. */
export default async function LtiAdminPage() {
  const me = await api.me();
  if (!me) signInOn401('/admin/lti')(new ApiError(401, 'sign in'));
  if (me?.role !== 'ADMIN') notFound();
  const [tool, platforms] = await Promise.all([api.ltiTool(), api.ltiPlatforms()]).catch(signInOn401('/admin/lti'));
  const rows: [string, string][] = [
    ['OpenID Connect login URL (initiation)', tool.loginUrl],
    ['Target link / redirect URI (launch)', tool.launchUrl],
    ['Deep Linking URL', tool.deepLinkingUrl],
    ['Public JWK set URL', tool.jwksUrl],
    ['Domain', tool.domain],
  ];
  return (
    <article className="wide">
      <h1>LMS platforms (LTI 1.3)</h1>
      <section className="card" aria-labelledby="tool-title" data-testid="lti-tool">
        <h2 id="tool-title">Enter these in the LMS</h2>
        <table className="class-table">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>
                  <code>{v}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          Placements: course navigation or assignment selection with Deep Linking; services: names and roles (NRPS), line items and scores (AGS).
        </p>
      </section>
      <section className="card" aria-labelledby="platforms-title">
        <h2 id="platforms-title">Registered platforms ({platforms.length})</h2>
        <div className="table-scroll">
          <table className="class-table" data-testid="lti-platforms">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Issuer</th>
                <th scope="col">Client ID</th>
                <th scope="col">Deployments</th>
              </tr>
            </thead>
            <tbody>
              {platforms.map((p) => (
                <tr key={p.id}>
                  <td>{p.name}</td>
                  <td>
                    <code>{p.issuer}</code>
                  </td>
                  <td>
                    <code>{p.clientId}</code>
                  </td>
                  <td>{p.deploymentIds.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3>Register a platform</h3>
        <RegisterPlatformForm csrfToken={me!.csrfToken} />
      </section>
      <section className="card" aria-labelledby="keys-title">
        <h2 id="keys-title">Epoch&apos;s signing keys</h2>
        <ul>
          {tool.keys.map((k) => (
            <li key={k.kid}>
              <code>{k.kid.slice(0, 16)}…</code> {k.state.toLowerCase()} (since {k.createdAt.slice(0, 10)})
            </li>
          ))}
        </ul>
        <RotateKeysButton csrfToken={me!.csrfToken} />
      </section>
    </article>
  );
}
