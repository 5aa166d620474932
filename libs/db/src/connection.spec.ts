import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkDatabaseConnection, connectionErrorMessage, describeDatabaseUrl, parseDatabaseUrl, withDatabase } from './connection';
import { DatabaseUnreachableError, DatabaseUrlError } from './errors';

const url = 'postgres://epoch:s3cret-pw@db.example:6543/epoch_dev?sslmode=disable';

describe('database URLs', () => {
  it('parses host, port, database and user', () => {
    expect(parseDatabaseUrl(url)).toEqual({ host: 'db.example', port: 6543, database: 'epoch_dev', user: 'epoch' });
    expect(parseDatabaseUrl('postgresql://u@localhost/x')).toMatchObject({ host: 'localhost', port: 5432, database: 'x' });
  });

  it('rejects what is not a Postgres URL, without echoing the password', () => {
    for (const bad of ['mysql://epoch:s3cret-pw@h/db', 'not a url s3cret-pw', 'postgres://epoch:s3cret-pw@h:5432/']) {
      let caught: unknown;
      try {
        parseDatabaseUrl(bad);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DatabaseUrlError);
      expect((caught as Error).message).not.toContain('s3cret-pw');
    }
    expect(() => parseDatabaseUrl('mysql://h/db')).toThrow(/must start with postgres:\/\//);
    expect(() => parseDatabaseUrl('postgres://h:5432/')).toThrow(/names no database/);
  });

  it('describes a URL without its password', () => {
    expect(describeDatabaseUrl(url)).toBe('postgres://epoch@db.example:6543/epoch_dev');
    expect(describeDatabaseUrl('::')).toBe('<invalid database URL>');
  });

  it('points a URL at another database on the same server', () => {
    expect(withDatabase(url, 'shadow_1')).toBe('postgres://epoch:s3cret-pw@db.example:6543/shadow_1?sslmode=disable');
  });
});

describe('connection errors', () => {
  it('says where it tried to connect and what went wrong, never the password', () => {
    const cases: [object, RegExp][] = [
      [{ code: 'ECONNREFUSED' }, /cannot reach Postgres at db\.example:6543 \(connection refused\)/],
      [{ code: 'ENOTFOUND' }, /host "db\.example" not found/],
      [{ code: '28P01', message: 'password authentication failed for user "epoch"' }, /refused user "epoch"/],
      [{ code: '3D000', message: 'database "epoch_dev" does not exist' }, /database "epoch_dev" does not exist on the Postgres server at db\.example:6543/],
      [new Error('Connection terminated due to connection timeout'), /timed out connecting/],
    ];
    for (const [error, expected] of cases) {
      const message = connectionErrorMessage(error, url);
      expect(message).toMatch(expected);
      expect(message).not.toContain('s3cret-pw');
    }
  });

  it('reports an unreachable server by host and port', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as { port: number };
    await new Promise<void>((r) => srv.close(() => r()));

    const target = `postgres://epoch:s3cret-pw@127.0.0.1:${port}/epoch`;
    const error = await checkDatabaseConnection(target, 2000).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect((error as DatabaseUnreachableError).message).toContain(`127.0.0.1:${port}`);
    expect((error as DatabaseUnreachableError).message).not.toContain('s3cret-pw');
    expect((error as DatabaseUnreachableError).target).toBe(`127.0.0.1:${port}/epoch`);
  });
});
