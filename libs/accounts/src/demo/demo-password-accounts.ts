import { DEMO_ACCOUNTS, verifyPassword, type TDb } from '@epoch/db';
import { countActiveAdmins, findUsersByEmails, usersWithDemoPasswords } from '../repositories/user.repository';

/**
 * The active accounts whose password is a published demo password: those the demo seed created and nobody has changed
 * the password of, and any account with a demo account's e-mail whose password still verifies against the published
 * one (databases seeded before the mark existed). Deactivated accounts cannot sign in and do not count.
 */
export async function demoPasswordAccounts(db: TDb): Promise<string[]> {
  const found = new Set((await usersWithDemoPasswords(db)).map((u) => u.email));
  for (const u of await findUsersByEmails(
    db,
    DEMO_ACCOUNTS.map((a) => a.email),
  )) {
    const demo = DEMO_ACCOUNTS.find((a) => a.email === u.email);
    if (!found.has(u.email) && !u.deactivatedAt && demo && (await verifyPassword(u.passwordHash, demo.password))) found.add(u.email);
  }
  return [...found].sort();
}

/** What production mode checks before it starts: accounts with demo passwords (refused) and whether an admin exists. */
export async function productionCheck(db: TDb): Promise<{ demoPasswordAccounts: string[]; activeAdmins: number }> {
  return { demoPasswordAccounts: await demoPasswordAccounts(db), activeAdmins: await countActiveAdmins(db) };
}

/** The refusal production mode answers with when `accounts` (demo passwords) is not empty. */
export function demoPasswordRefusal(accounts: string[]): string {
  return (
    `production mode refuses to start: ${accounts.length} account(s) still have a published demo password (${accounts.join(', ')}). ` +
    'Deactivate them or change their passwords first (Admin > Users in the web app, which `./epoch up` runs in demo mode), ' +
    'or start from an empty database.'
  );
}
