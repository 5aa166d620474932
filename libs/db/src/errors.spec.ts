import { describe, expect, it } from 'vitest';
import { engineMessage } from './errors';

describe('engineMessage', () => {
  it('keeps the human part of a schema-engine error and drops the Rust span trace', () => {
    const raw = new Error(
      [
        'Migration `20260101000000_x` failed to apply cleanly to the shadow database.',
        'Error: relation "nowhere" does not exist',
        '   0: sql_schema_connector::apply_migration::apply_script',
        '           with migration_name="20260101000000_x"',
        '             at schema-engine/connectors/sql-schema-connector/src/apply_migration.rs:113',
      ].join('\n'),
    );
    expect(engineMessage(raw)).toBe('Migration `20260101000000_x` failed to apply cleanly to the shadow database.\nError: relation "nowhere" does not exist');
  });

  it('passes other messages through', () => {
    expect(engineMessage('plain failure')).toBe('plain failure');
  });
});
