import type { TPage, TUserListQuery, TUserView } from '@epoch/contracts';
import type { TDb } from '@epoch/db';
import { pageOfUsers } from '../repositories/user.repository';
import { userView } from './user-view';

/** A page of users, oldest first, optionally of one role. */
export async function listUsers(db: TDb, q: TUserListQuery): Promise<TPage<TUserView>> {
  const { rows, total } = await pageOfUsers(db, { ...(q.role ? { role: q.role } : {}), skip: (q.page - 1) * q.pageSize, take: q.pageSize });
  return { items: rows.map(userView), page: q.page, pageSize: q.pageSize, total };
}
