import { existsSync, readdirSync } from 'node:fs';
import { isRoot, runCapture } from '../run';
import { PACKAGE_LOCK_WAIT_MS, waitForPackageLocks } from './package-locks';
import { ServiceError } from './service-error';

export { ServiceError };

/** Debian packages Epoch's own services and browser tests need, by the binary that proves each is present. */
export const DEBIAN_PACKAGES = {
  postgresql: () => postgresBinDir() !== null,
  'redis-server': () => which('redis-server') !== null,
  chromium: () => existsSync('/usr/bin/chromium'),
} as const;
export type TDebianPackage = keyof typeof DEBIAN_PACKAGES;

export function which(bin: string): string | null {
  const r = runCapture('sh', ['-c', `command -v ${bin}`]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Highest installed PostgreSQL's bin folder (Debian layout), or null. */
export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(`${base}/${v}/bin/initdb`) && existsSync(`${base}/${v}/bin/pg_ctl`))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? `${base}/${versions[0]}/bin` : null;
}

/**
 * Installs missing Debian packages when running as root; otherwise says exactly which apt line to run.
 * `apt-get update` runs once, before the first install. Another package manager at work (unattended upgrades, a
 * second terminal) is waited for, up to PACKAGE_LOCK_WAIT_MS, with a message, rather than failing on its lock: first
 * here, then by apt itself (`DPkg::Lock::Timeout`) should one start in between.
 */
export async function ensureDebianPackages(names: TDebianPackage[], log: (s: string) => void): Promise<void> {
  const missing = names.filter((n) => !DEBIAN_PACKAGES[n]());
  if (missing.length === 0) return;
  const line = `apt-get install -y ${missing.join(' ')}`;
  if (!isRoot()) {
    throw new ServiceError(`missing Debian packages: ${missing.join(', ')}. Run as root:\n  apt-get update && ${line}`);
  }
  await waitForPackageLocks({ log });
  log(`installing Debian packages: ${missing.join(' ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const wait = ['-o', `DPkg::Lock::Timeout=${Math.round(PACKAGE_LOCK_WAIT_MS / 1000)}`];
  const update = runCapture('apt-get', [...wait, 'update'], { env });
  if (update.code !== 0) throw new ServiceError(`apt-get update failed:\n${update.stderr.slice(-2000)}`);
  const install = runCapture('apt-get', [...wait, 'install', '-y', '--no-install-recommends', ...missing], { env });
  if (install.code !== 0) throw new ServiceError(`${line} failed:\n${install.stderr.slice(-2000)}`);
  const still = missing.filter((n) => !DEBIAN_PACKAGES[n]());
  if (still.length > 0) throw new ServiceError(`installed ${still.join(', ')} but cannot find their programs`);
}
