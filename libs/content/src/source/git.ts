import { execFile } from 'node:child_process';
import { CONTENT_LIMITS } from '../limits';
import { SourceError } from './source-error';

/** How the server reaches a course's git repository. */
export interface TGitAccess {
  /** Private key file of the read-only deploy key (ssh URLs); none: the ssh defaults of the user running Epoch. */
  sshKeyFile?: string;
  /** known_hosts file for ssh URLs; none: hosts seen for the first time are accepted and remembered. */
  knownHostsFile?: string;
  /** Accept `file://` URLs and local paths (a repository on the server's own disk; the CLI always may). */
  allowLocal?: boolean;
}

const REMOTE = /^(https:\/\/|ssh:\/\/|git@[A-Za-z0-9.-]+:)/;
const LOCAL = /^(file:\/\/|\/)/;

/** Whether `source` names a git repository (rather than a folder): an https/ssh/scp-like URL, or `file://`. */
export function isGitUrl(source: string): boolean {
  return REMOTE.test(source) || source.startsWith('file://');
}

/** A git ref (branch, tag or commit) that cannot be taken for an option or a path trick. */
const REF = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;

export function checkGitSource(url: string, ref: string | undefined, access: TGitAccess): void {
  if (url.length > 500) throw new SourceError('the git URL is longer than 500 characters');
  if (/[\s\u0000-\u001f]/.test(url)) throw new SourceError('the git URL has spaces or control characters');
  if (!REMOTE.test(url) && !(access.allowLocal && LOCAL.test(url))) {
    throw new SourceError(
      `"${url}" is not a git URL Epoch pulls from: use https://… or ssh (git@host:owner/repo.git, ssh://…)${access.allowLocal ? ', or file://…' : ''}`,
    );
  }
  if (ref !== undefined && (!REF.test(ref) || ref.includes('..'))) throw new SourceError(`"${ref}" is not a branch, tag or commit name`);
}

/**
 * Clones `ref` (default: the repository's default branch) of `url` into `dest` (shallow), and returns the commit
 * id. Never prompts (no terminal), never runs a transport helper (`ext::`), and stops after the time limit.
 */
export async function cloneGit(url: string, ref: string | undefined, dest: string, access: TGitAccess = {}, limits = CONTENT_LIMITS): Promise<string> {
  checkGitSource(url, ref, access);
  const ssh = ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20'];
  if (access.sshKeyFile) ssh.push('-i', shellQuote(access.sshKeyFile), '-o', 'IdentitiesOnly=yes');
  if (access.knownHostsFile) ssh.push('-o', `UserKnownHostsFile=${shellQuote(access.knownHostsFile)}`, '-o', 'StrictHostKeyChecking=yes');
  else ssh.push('-o', 'StrictHostKeyChecking=accept-new');
  const env = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'true',
    GIT_SSH_COMMAND: ssh.join(' '),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_LFS_SKIP_SMUDGE: '1',
  };
  const config = ['-c', 'protocol.ext.allow=never', '-c', `protocol.file.allow=${access.allowLocal ? 'always' : 'never'}`];
  const args = [...config, 'clone', '--quiet', '--depth', '1', '--no-tags', ...(ref ? ['--branch', ref] : []), '--', url, dest];
  await git(args, env, limits.gitTimeoutMs, `cannot clone ${url}${ref ? ` at ${ref}` : ''}`);
  return (await git(['-C', dest, 'rev-parse', 'HEAD'], env, 10_000, 'cannot read the cloned commit')).trim();
}

function git(args: string[], env: NodeJS.ProcessEnv, timeout: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { env, timeout, maxBuffer: 1024 * 1024, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const detail = (stderr || error.message).trim().split('\n').slice(-3).join(' ');
      reject(new SourceError(`${what}: ${error.killed ? `no answer within ${Math.round(timeout / 1000)} s` : detail}`));
    });
  });
}

/** GIT_SSH_COMMAND is run by a shell: a path with spaces or quotes must stay one word. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
