// @epoch/db: the Prisma client factory and the migration runner. The only importer of the generated client.
export {
  createPrismaClient,
  inTransaction,
  isDatabaseUnavailable,
  isUniqueViolation,
  type EpochPrismaClient,
  type TDb,
  type TPrismaClientOptions,
} from './client';
export { writeAudit, type TAuditEntry } from './audit';
export {
  applyMigrations,
  createMigration,
  markMigrationRolledBack,
  migrationStatus,
  resetDatabase,
  type TCreateMigrationOptions,
  type TMigrateOptions,
  type TMigrationStatus,
} from './migrate';
export { checkDatabaseConnection, describeDatabaseUrl, parseDatabaseUrl, type TDatabaseTarget } from './connection';
export { DatabaseUnreachableError, DatabaseUrlError, MigrationFailedError, MigrationsDirectoryError, SchemaEngineError } from './errors';
export { migrationChecksum } from './migrations-dir';
export { POLICY_FIELDS, policyColumns, policyFromRow } from './policy-row';

// The generated client's model types, enums and the Prisma namespace (errors, JSON types, input types).
export { Prisma } from './generated/client';
export type {
  Artifact,
  AuditLog,
  ContentSync,
  Course,
  CourseAsset,
  Enrollment,
  EpochMetric,
  Exercise,
  GradingPolicy,
  GradingPolicyChange,
  Lesson,
  LessonStep,
  LessonStepVersion,
  PasswordReset,
  Result,
  Session,
  StudentException,
  Submission,
  User,
} from './generated/client';
export * from './generated/enums';
/** The client handed to `$transaction(async (tx) => ...)` callbacks. */
export type EpochTransactionClient = import('./generated/client').Prisma.TransactionClient;

// Passwords (argon2id) and the demo accounts (course content is loaded by @epoch/content).
export * from './seed';
