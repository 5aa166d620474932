/** Where a command writes: injectable so commands are testable without touching the real process streams. */
export interface CommandIo {
  out(s: string): void;
  err(s: string): void;
}

export const processIo: CommandIo = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};
