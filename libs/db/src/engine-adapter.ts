import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { DriverAdapterError, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { withDatabase } from './connection';

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/** The Postgres error of a failed migration script, kept so the runner can say which line failed and why. */
export interface TScriptFailure {
  script: string;
  message: string;
  code?: string;
  /** 1-based character offset into the script, as Postgres reports it. */
  position?: number;
  detail?: string;
  hint?: string;
}

interface PgQueryResultLike {
  fields?: { dataTypeID: number }[];
}

function isThenable(v: unknown): v is Promise<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * A pool whose results report Postgres' one-byte `"char"` columns (pg_class.relkind, pg_constraint.contype...) as
 * text. adapter-pg 7.10 cannot map that type, so without this the engine fails to describe any schema ("Column type
 * 'char' could not be deserialized"); the values themselves already arrive as strings.
 */
function catalogSafePool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 4 });
  pool.on('error', () => undefined);
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const patch = (result: unknown): unknown => {
    for (const field of (result as PgQueryResultLike | undefined)?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const r = query(...args);
    return isThenable(r) ? r.then(patch) : r;
  };
  return pool;
}

function isPgError(e: unknown): e is pg.DatabaseError {
  return (
    typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' && typeof (e as { severity?: unknown }).severity === 'string'
  );
}

/**
 * The driver adapter the schema engine runs on. Two differences from plain `PrismaPg`:
 * - a migration script is sent to Postgres whole, as the native engine does: one implicit transaction, so a failing
 *   migration leaves no half-applied statements behind (adapter-pg splits scripts on every `;`, which also breaks
 *   semicolons inside strings and function bodies);
 * - shadow databases are created and dropped with the same credentials, named `epoch_shadow_*`.
 */
export class EngineAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@epoch/db';
  /** The last script Postgres rejected (reset before each engine command by the caller if needed). */
  lastScriptFailure: TScriptFailure | null = null;
  /** Why a shadow database could not be created (typically: the user lacks CREATEDB). */
  shadowDbFailure: string | null = null;
  /** Adapters the engine has not disposed yet; closed by disposeAll so no pool keeps the process alive. */
  private readonly openAdapters = new Set<() => Promise<void>>();

  constructor(private readonly connectionString: string) {}

  connect(): Promise<SqlDriverAdapter> {
    return this.open(this.connectionString, async () => undefined);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `epoch_shadow_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    try {
      await this.adminQuery(`CREATE DATABASE "${name}"`);
    } catch (e) {
      // The engine reports JS errors only by an opaque id; keep the real cause for the runner's message.
      this.shadowDbFailure = e instanceof Error ? e.message : String(e);
      throw e;
    }
    return this.open(withDatabase(this.connectionString, name), () => this.adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }

  async disposeAll(): Promise<void> {
    const results = await Promise.allSettled([...this.openAdapters].map((d) => d()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async adminQuery(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  private async open(connectionString: string, afterDispose: () => Promise<void>): Promise<SqlDriverAdapter> {
    const pool = catalogSafePool(connectionString);
    const inner = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    let disposed: Promise<void> | null = null;
    const dispose = (): Promise<void> => {
      disposed ??= (async () => {
        this.openAdapters.delete(dispose);
        try {
          await inner.dispose();
        } finally {
          await afterDispose();
        }
      })();
      return disposed;
    };
    this.openAdapters.add(dispose);
    return {
      provider: inner.provider,
      adapterName: inner.adapterName,
      queryRaw: (q) => inner.queryRaw(q),
      executeRaw: (q) => inner.executeRaw(q),
      startTransaction: (level) => inner.startTransaction(level),
      getConnectionInfo: () => inner.getConnectionInfo(),
      executeScript: (script) => this.executeScript(pool, script),
      dispose,
    };
  }

  private async executeScript(pool: pg.Pool, script: string): Promise<void> {
    try {
      // No parameters: the simple query protocol, which accepts many statements and runs them in one transaction.
      await pool.query(script);
    } catch (e) {
      if (!isPgError(e)) throw e;
      this.lastScriptFailure = {
        script,
        message: e.message,
        code: e.code,
        position: e.position ? Number(e.position) : undefined,
        detail: e.detail,
        hint: e.hint,
      };
      throw new DriverAdapterError({
        kind: 'postgres',
        code: e.code ?? 'N/A',
        severity: e.severity ?? 'ERROR',
        message: e.message,
        detail: e.detail,
        column: e.column,
        hint: e.hint,
      });
    }
  }
}
