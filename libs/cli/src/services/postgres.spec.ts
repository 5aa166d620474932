import { describe, expect, it } from 'vitest';
import { canConnect, createDatabase } from './postgres';

describe('postgres helpers', () => {
  it('cannot connect to a closed port', async () => {
    expect(await canConnect('postgres://postgres@127.0.0.1:1/postgres')).toBe(false);
  });
  it('refuses database names that are not plain identifiers, before connecting', async () => {
    await expect(createDatabase('postgres://postgres@127.0.0.1:1/postgres', 'x"; drop')).rejects.toThrow(/invalid database name/);
  });
});
