import { HttpException, HttpStatus } from '@nestjs/common';
import type { TApiError } from '@epoch/contracts';
import type { TErrorDetail } from '@epoch/contracts';

export type { TErrorDetail };

/** An error answered in the API's one error format: `{ error: { code, message, details? } }`. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: TErrorDetail[],
  ) {
    super({ error: { code, message, ...(details ? { details } : {}) } } satisfies TApiError, status);
  }
}

export const badRequest = (message: string, details?: TErrorDetail[], code = 'invalid_request') => new ApiError(HttpStatus.BAD_REQUEST, code, message, details);
export const unauthenticated = (message = 'sign in first') => new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', message);
export const forbidden = (message = 'you may not do this') => new ApiError(HttpStatus.FORBIDDEN, 'forbidden', message);
/** Also used for resources that exist but are not the caller's, so ids cannot be probed. */
export const notFound = (message: string) => new ApiError(HttpStatus.NOT_FOUND, 'not_found', message);
export const conflict = (code: string, message: string) => new ApiError(HttpStatus.CONFLICT, code, message);
