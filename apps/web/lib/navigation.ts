/**
 * Whether following a link is a page navigation inside the app that the server has to render (so the reader should
 * see that something is loading): same origin, another path, not the API, not a new tab or a download.
 */
export function isAppNavigation(link: { href: string; target: string | null; download: boolean }, current: string): boolean {
  if (link.download || (link.target !== null && link.target !== '' && link.target !== '_self')) return false;
  let to: URL;
  let from: URL;
  try {
    from = new URL(current);
    to = new URL(link.href, from);
  } catch {
    return false;
  }
  return to.origin === from.origin && to.pathname !== from.pathname && !to.pathname.startsWith('/api/') && !to.pathname.startsWith('/course-figures/');
}
