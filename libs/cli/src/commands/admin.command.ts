import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { createAdmin } from '@epoch/accounts';
import { DomainError } from '@epoch/contracts';
import { createPrismaClient } from '@epoch/db';
import { artifactStoreOf, loadCliEnv } from '../config';
import type { CommandIo } from '../io';
import { dataDir } from '../paths';
import { ensureServices, stopServices } from '../services';
import { migrateDatabase } from './db.command';

/** Reads a password from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  process.stderr.write(question);
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export interface TAdminCreateCommand {
  email: string;
  name?: string;
  /** Read the password from standard input (for scripts) instead of asking or generating one. */
  passwordStdin: boolean;
  /** Generate a password (printed once) even on a terminal. */
  generate: boolean;
}

/**
 * `./epoch admin create EMAIL [--name NAME] [--password-stdin | --generate]`: the first (or another) administrator.
 * On a terminal the password is asked twice without echo; otherwise (or with --generate) one is generated and printed
 * once. The password rules apply. Migrates the database first (production installs start here).
 */
export async function runAdminCreateCommand(opts: TAdminCreateCommand, io: CommandIo, isTty = Boolean(process.stdin.isTTY)): Promise<number> {
  let password: string | undefined;
  if (opts.passwordStdin) password = await readStdin();
  else if (isTty && !opts.generate) {
    password = await promptHidden(`Password for ${opts.email} (empty: generate one): `);
    if (password === '') password = undefined;
    else if ((await promptHidden('Repeat the password: ')) !== password) {
      io.err('epoch admin create: the passwords differ; nothing was created');
      return 1;
    }
  }
  const env = loadCliEnv();
  const data = dataDir();
  const services = await ensureServices(env, data, io.err);
  const prisma = createPrismaClient(services.databaseUrl);
  try {
    await migrateDatabase(services.databaseUrl, artifactStoreOf(env, data), io.err);
    const admin = await createAdmin(prisma, { email: opts.email, ...(opts.name ? { name: opts.name } : {}), ...(password !== undefined ? { password } : {}) });
    io.out(`created administrator ${admin.email} (${admin.name})`);
    if (admin.generatedPassword) io.out(`password (shown only now; change it after signing in): ${admin.generatedPassword}`);
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      io.err(`epoch admin create: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await prisma.$disconnect();
    stopServices(data, services.started);
  }
}
