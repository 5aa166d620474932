/** A field (or `line N: column`, `csv`, ...) that is wrong, and why. */
export interface TErrorDetail {
  path: string;
  message: string;
}

/**
 * What a use case refuses, by kind: the HTTP API maps each kind to its status in one place (its error filter), the CLI
 * prints the message. `code` is the machine-readable reason the API answers with.
 */
export type TUseCaseErrorKind = 'invalid' | 'unauthenticated' | 'not_found' | 'conflict' | 'locked';

export abstract class UseCaseError extends Error {
  abstract readonly kind: TUseCaseErrorKind;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: TErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input is wrong; `details` name each bad field. */
export class InvalidError extends UseCaseError {
  readonly kind = 'invalid';
  constructor(message: string, details?: TErrorDetail[], code = 'invalid_request') {
    super(code, message, details);
  }
}

/** The credentials do not identify anyone. */
export class UnauthenticatedError extends UseCaseError {
  readonly kind = 'unauthenticated';
}

/** No such thing (or none the caller may see). */
export class NotFoundError extends UseCaseError {
  readonly kind = 'not_found';
  constructor(message: string) {
    super('not_found', message);
  }
}

/** The change collides with what exists (a taken email, slug or code). */
export class ConflictError extends UseCaseError {
  readonly kind = 'conflict';
}

/** The account is locked for now. */
export class LockedError extends UseCaseError {
  readonly kind = 'locked';
}
