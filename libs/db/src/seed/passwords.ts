import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** argon2id (the library's const enum value 2; ambient const enums cannot be imported under isolatedModules). */
const ARGON2ID = 2 as Algorithm;

/** OWASP's recommended argon2id settings: 19 MiB memory, 2 iterations, 1 lane. */
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash never authenticates
  }
}
