import { describe, expect, it } from 'vitest';
import { ConflictError, DomainError, InvalidError, NotFoundError, UnauthenticatedError } from '@epoch/contracts';
import { Prisma } from '@epoch/db';
import { errorBody } from './error.filter';

describe('errorBody: the refusals of use cases as HTTP answers', () => {
  it('answers each kind with its status and the use case code, message and details', () => {
    expect(errorBody(new InvalidError('the roster has errors', [{ path: 'line 2: email', message: 'bad' }], 'invalid_roster'))).toEqual({
      status: 400,
      body: { error: { code: 'invalid_roster', message: 'the roster has errors', details: [{ path: 'line 2: email', message: 'bad' }] } },
      unexpected: false,
    });
    expect(errorBody(new InvalidError('no'))).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', message: 'no' } } });
    expect(errorBody(new UnauthenticatedError('invalid_credentials', 'wrong email or password'))).toEqual({
      status: 401,
      body: { error: { code: 'invalid_credentials', message: 'wrong email or password' } },
      unexpected: false,
    });
    expect(errorBody(new NotFoundError('no course "x"'))).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'no course "x"' } },
      unexpected: false,
    });
    expect(errorBody(new ConflictError('email_taken', 'taken'))).toMatchObject({ status: 409, body: { error: { code: 'email_taken' } } });
    expect(errorBody(new DomainError('too_many', 'password_checks_locked', 'later'))).toMatchObject({
      status: 429,
      body: { error: { code: 'password_checks_locked' } },
    });
  });

  it('keeps other errors internal', () => {
    expect(errorBody(new Error('secret detail'))).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: 'internal error; it has been logged' } },
      unexpected: true,
    });
  });

  it('answers 503 "temporarily unavailable" when Postgres or Redis does not answer, naming which', () => {
    const pgDown = new Prisma.PrismaClientKnownRequestError("Can't reach database server at 127.0.0.1:5432", { code: 'P1001', clientVersion: '7' });
    const redisDown = Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' });
    expect(errorBody(pgDown)).toMatchObject({
      status: 503,
      body: { error: { code: 'temporarily_unavailable', message: expect.stringMatching(/database \(Postgres\)/) } },
      unexpected: false,
    });
    expect(errorBody(redisDown)).toMatchObject({ status: 503, body: { error: { message: expect.stringMatching(/\(Redis\) does not answer/) } } });
    expect(errorBody(new Error('Connection terminated unexpectedly'))).toMatchObject({ status: 503 });
    expect(errorBody(new Error('wrapped', { cause: new Error('Connection is closed.') }))).toMatchObject({ status: 503 });
  });

  it('answers 400 for a text Postgres refused for its NUL character (22021), not 500', () => {
    const nul = new Prisma.PrismaClientKnownRequestError('Database error', {
      code: 'P2039',
      clientVersion: '7',
      meta: { driverAdapterError: { cause: { originalCode: '22021', kind: 'postgres' } } },
    });
    expect(errorBody(nul)).toMatchObject({ status: 400, body: { error: { code: 'nul_character' } }, unexpected: false });
  });
});
