import { describe, expect, it } from 'vitest';
import { ZTrustProxy } from '@epoch/contracts';
import { clientAddress, trustFunction } from './client-address';

const request = (peer: string | undefined, xff?: string) => ({
  headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  socket: { remoteAddress: peer },
});
const trust = (v: string) => trustFunction(ZTrustProxy.parse(v));

describe('clientAddress: who is calling the web server', () => {
  it('without trusted proxies, is the socket peer whatever X-Forwarded-For says (rotating it changes nothing)', () => {
    for (const forged of ['203.0.113.1', '198.51.100.2, 203.0.113.3', 'garbage']) {
      expect(clientAddress(request('192.0.2.10', forged) as never, trust('false'))).toBe('192.0.2.10');
    }
    expect(clientAddress(request('192.0.2.10') as never, trust('false'))).toBe('192.0.2.10');
  });

  it('behind one trusted hop, is the address that hop saw (the last entry), never the ones the client wrote before it', () => {
    expect(clientAddress(request('10.0.0.5', '198.51.100.9, 203.0.113.20') as never, trust('1'))).toBe('203.0.113.20');
    expect(clientAddress(request('10.0.0.5', '203.0.113.20') as never, trust('uniquelocal'))).toBe('203.0.113.20');
  });

  it('does not let an untrusted peer vouch for anyone', () => {
    expect(clientAddress(request('203.0.113.99', '198.51.100.9') as never, trust('uniquelocal'))).toBe('203.0.113.99');
  });

  it('is null for a socket that is already gone', () => {
    expect(clientAddress(request(undefined, '1.2.3.4') as never, trust('1'))).toBeNull();
  });
});
