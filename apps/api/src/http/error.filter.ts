import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, ZApiError, type TDomainErrorKind } from '@epoch/contracts';
import { isNulByteRefusal, unavailableDependency } from './dependency-errors';

const CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/** The HTTP status of each kind of refusal a use case can answer with. */
const DOMAIN_STATUS: Record<TDomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  too_many: 429,
  unavailable: 503,
};

/** Turns any error into the API's one error format; unexpected errors are logged and answered without details. */
export function errorBody(e: unknown): { status: number; body: unknown; unexpected: boolean } {
  if (e instanceof DomainError) {
    return {
      status: DOMAIN_STATUS[e.kind],
      body: { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } },
      unexpected: false,
    };
  }
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const response = e.getResponse();
    // Bodies already in the error format (ApiError, health's report) pass through unchanged.
    if (ZApiError.safeParse(response).success || (typeof response === 'object' && response !== null && 'status' in response && 'checks' in response)) {
      return { status, body: response, unexpected: false };
    }
    const message = typeof response === 'string' ? response : e.message;
    return { status, body: { error: { code: CODES[status] ?? 'error', message } }, unexpected: false };
  }
  // body-parser's errors (too large, malformed JSON) carry an HTTP status and a type.
  if (typeof e === 'object' && e !== null && 'status' in e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    const type = 'type' in e ? String(e.type) : '';
    if (type === 'entity.too.large')
      return { status: 413, body: { error: { code: 'payload_too_large', message: 'the request body is too large' } }, unexpected: false };
    if (type === 'entity.parse.failed')
      return { status: 400, body: { error: { code: 'malformed_json', message: 'the request body is not valid JSON' } }, unexpected: false };
    return {
      status: e.status,
      body: { error: { code: CODES[e.status] ?? 'invalid_request', message: e instanceof Error ? e.message : 'bad request' } },
      unexpected: false,
    };
  }
  const down = unavailableDependency(e);
  if (down) {
    const what = down === 'redis' ? 'its queue and rate-limit store (Redis)' : 'its database (Postgres)';
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: { error: { code: 'temporarily_unavailable', message: `Epoch is temporarily unavailable: ${what} does not answer. Try again in a minute.` } },
      unexpected: false,
    };
  }
  if (isNulByteRefusal(e)) {
    return {
      status: 400,
      body: { error: { code: 'nul_character', message: 'the request contains a NUL character (U+0000), which cannot be stored; remove it' } },
      unexpected: false,
    };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: { code: 'internal', message: 'internal error; it has been logged' } }, unexpected: true };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}
  catch(e: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request & { id?: string }>();
    const { status, body, unexpected } = errorBody(e);
    if (unexpected) this.log.error({ reqId: req.id, err: e }, 'unhandled error');
    else if (status === 503) this.log.warn({ reqId: req.id, err: e }, 'a dependency is down');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json(body);
  }
}
