'use client';
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { isAppNavigation } from '../lib/navigation';

/**
 * The loading state while the server renders the next page. (A route `loading.tsx` would show one too, but it makes
 * Next stream every page, so a page that turns out not to exist is sent with status 200 instead of 404.)
 */
export function NavigationProgress() {
  const pathname = usePathname();
  const [pending, setPending] = useState(false);
  useEffect(() => {
    setPending(false);
  }, [pathname]);
  useEffect(() => {
    // Capture phase: Next's <Link> prevents the default action in its own click handler, which runs later.
    const onClick = (e: MouseEvent) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
      if (
        a instanceof HTMLAnchorElement &&
        isAppNavigation({ href: a.href, target: a.getAttribute('target'), download: a.hasAttribute('download') }, window.location.href)
      )
        setPending(true);
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, []);
  useEffect(() => {
    if (!pending) return undefined;
    // A navigation that never completes (network gone) must not leave the bar up forever.
    const t = window.setTimeout(() => setPending(false), 15_000);
    return () => window.clearTimeout(t);
  }, [pending]);
  return pending ? (
    <div className="nav-progress" role="status" aria-live="polite" data-testid="nav-progress">
      Loading…
    </div>
  ) : null;
}
