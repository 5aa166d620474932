import { randomBytes } from 'node:crypto';
import type { User } from '@epoch/db';
import type { TUserView } from '@epoch/contracts';

export const userView = (u: User): TUserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  createdAt: u.createdAt.toISOString(),
  deactivatedAt: u.deactivatedAt?.toISOString() ?? null,
});

/** An initial password for an account created without one (returned once, never stored in clear). */
export const newInitialPassword = (): string => randomBytes(12).toString('base64url');
