'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { postJson } from '../lib/browser-api';

export function SignOutButton({ csrfToken }: { csrfToken: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const signOut = async () => {
    setBusy(true);
    try {
      await postJson('/api/auth/sign-out', {}, { csrfToken });
    } finally {
      // Signed out or not (an expired session answers 401), the page must show the signed-out state.
      router.push('/');
      router.refresh();
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      className="link-button"
      disabled={busy}
      onClick={() => {
        signOut().catch(() => undefined);
      }}
    >
      Sign out
    </button>
  );
}
