/**
 * What a use case refuses, in words a user can act on, without knowing about HTTP: the API answers each kind with its
 * status code (apps/api/src/http/error.filter.ts), the CLI prints the message. `code` is the API's stable error code.
 */
export type TDomainErrorKind = 'invalid' | 'forbidden' | 'not-found' | 'conflict' | 'too-large' | 'too-many' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: TDomainErrorKind,
    readonly code: string,
    message: string,
    /** Which input is wrong and why (e.g. `{ path: 'dailyQuota', message: 'no submissions left' }`). */
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
