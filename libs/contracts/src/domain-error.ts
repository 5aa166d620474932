/**
 * What a use case refuses, by kind, in words a user can act on, without knowing about HTTP: the API answers each kind
 * with its status in one place (apps/api/src/http/error.filter.ts), the CLI prints the message. `code` is the
 * machine-readable reason the API answers with; `details` name each wrong input.
 */
export type TDomainErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'too_large' | 'too_many' | 'unavailable';

/** A field (or `line N: column`, `csv`, ...) that is wrong, and why. */
export interface TErrorDetail {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: TDomainErrorKind,
    readonly code: string,
    message: string,
    readonly details?: TErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input is wrong; `details` name each bad field. */
export class InvalidError extends DomainError {
  constructor(message: string, details?: TErrorDetail[], code = 'invalid_request') {
    super('invalid', code, message, details);
  }
}

/** The credentials do not identify anyone. */
export class UnauthenticatedError extends DomainError {
  constructor(code: string, message: string) {
    super('unauthenticated', code, message);
  }
}

/** No such thing (or none the caller may see). */
export class NotFoundError extends DomainError {
  constructor(message: string, code = 'not_found') {
    super('not_found', code, message);
  }
}

/** The change collides with what exists (a taken email, slug or code, a concurrent change). */
export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: TErrorDetail[]) {
    super('conflict', code, message, details);
  }
}

/** The caller may see the thing but not do this to it. */
export class ForbiddenError extends DomainError {
  constructor(message: string, code = 'forbidden') {
    super('forbidden', code, message);
  }
}

/** Too big to take (an upload, a source). */
export class TooLargeError extends DomainError {
  constructor(code: string, message: string, details?: TErrorDetail[]) {
    super('too_large', code, message, details);
  }
}
