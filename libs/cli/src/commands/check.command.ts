import { open } from 'node:fs/promises';
import type { TCheckResult, TModelRulesInput } from '@epoch/contracts';
import { DEFAULT_MODEL_LIMITS } from '@epoch/contracts';
import { checkSource, formatReport } from '@epoch/model-spec';
import type { CommandIo } from '../io';

export interface TCheckCommandOptions {
  file: string;
  json: boolean;
  /** The exercise's rules (the lead resolves `--exercise SLUG` to these). */
  rules?: TModelRulesInput;
}

/**
 * `./epoch check FILE [--exercise SLUG] [--json]`: with --json, exactly one JSON object on stdout; exit 0 when the
 * submission is ok, 1 when not (an unreadable file included).
 */
export async function runCheckCommand(opts: TCheckCommandOptions, io: CommandIo): Promise<number> {
  const limit = opts.rules?.maxSourceBytes ?? DEFAULT_MODEL_LIMITS.maxSourceBytes;
  const read = await readLimited(opts.file, limit);
  if ('problem' in read) {
    const result: TCheckResult = { ok: false, errors: [{ line: 1, column: 1, message: read.problem }], warnings: [], model: null, training: null, hash: null };
    if (opts.json) io.out(JSON.stringify(result));
    else io.err(`epoch check: ${read.problem}`);
    return 1;
  }
  const report = checkSource(read.text, { rules: opts.rules });
  if (opts.json) {
    const { ok, errors, warnings, model, training, hash, cost } = report;
    const result: TCheckResult = { ok, errors, warnings, model, training, hash, cost };
    io.out(JSON.stringify(result));
  } else {
    io.out(formatReport(report, opts.file));
  }
  return report.ok ? 0 : 1;
}

/** Reads at most limit+1 bytes, so a huge file is refused without loading it. */
async function readLimited(file: string, limit: number): Promise<{ text: string } | { problem: string }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code ?? String(e)})` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { problem: `${file}: not a regular file` };
    if (stat.size > limit) {
      return {
        problem: `The source is ${stat.size.toLocaleString('en-US')} bytes; the limit is ${limit.toLocaleString('en-US')} bytes (${Math.round(limit / 1024)} KiB).`,
      };
    }
    const buf = Buffer.alloc(Math.min(stat.size, limit) + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return { text: buf.subarray(0, bytesRead).toString('utf8') };
  } catch (e) {
    return { problem: `${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  } finally {
    await handle.close();
  }
}
