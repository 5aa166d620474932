import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TTrustProxy } from '@epoch/contracts';

/** The trust setting as proxy-addr's function (Express compiles `trust proxy` the same way). */
export function trustFunction(trust: TTrustProxy): (address: string, hop: number) => boolean {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyaddr.compile(trust);
}

/**
 * The browser's address as the web server sees it: the socket's peer, or, through trusted hops only, the address the
 * nearest untrusted hop was seen from in X-Forwarded-For. Addresses a client wrote into the header itself are never
 * taken unless a trusted proxy vouches for them, so rotating the header changes nothing.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trust: (address: string, hop: number) => boolean): string | null {
  if (!req.socket.remoteAddress) return null;
  return proxyaddr(req as IncomingMessage, trust);
}
