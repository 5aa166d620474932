import { describe, expect, it } from 'vitest';
import { ConflictError, DomainError, InvalidError, NotFoundError, UnauthenticatedError } from '@epoch/contracts';
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
});
