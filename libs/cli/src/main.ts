import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './config';
import { processIo, type CommandIo } from './io';
import { exerciseRules, UnknownExerciseError } from './exercises';
import { ServiceError } from './services/debian';

const USAGE = `Usage: ./epoch <command> [options]

  up                      start everything (Postgres, Redis, migrations, demo seed, data, web, API, grader); Ctrl-C
                          stops; EPOCH_DEMO=0: production mode (no demo accounts; see docs/OPERATIONS.md)
  down                    stop the services that \`up\` or \`test\` started under .data/
  test                    the whole test suite (typecheck, lint, unit, integration, browser)
  db migrate              apply pending migrations          db migrate --create NAME   new migration from the schema
  db seed                 seed the demo course and accounts (idempotent)
  db reset                drop everything, migrate, seed the demo
  content sync DIR|GIT-URL [--course SLUG] [--ref REF] [--dry-run] [--overwrite-edited-policies]
                          load a course from its files: validate, show the diff, apply (docs/COURSE-FORMAT.md)
  admin create EMAIL [--name NAME] [--password-stdin | --generate]
                          create an administrator (password asked, or generated and printed once)
  data prepare            decode CIFAR-10 into the cache and report counts (source: EPOCH_CIFAR10)
  artifacts retention [--days N] [--dry-run]
                          drop old weights of submissions that do not count, delete unreferenced stored artifacts
  check FILE [--exercise SLUG] [--json]
                          check a submission's model without running it
  grade FILE [--exercise SLUG] [--epochs N] [--seed N] [--limit-train N] [--limit-test N] [--out DIR]
                          grade a submission locally: check, train, evaluate, write plot data
  calibrate SLUG --seeds N [--variant NAME] [--course SLUG] [--wait]
                          train the exercise's reference solution (or its wrong variant NAME: calibrationVariants in
                          exercise.yaml) with N seeds on the graders (lowest priority) and print the accuracy
                          distributions next to the pass mark, with a suggested mark
  bench check|train|epoch|api|queue [--compare-torch]
                          benchmarks that print numbers (train: [--backend NAME] [--runs N];
                          queue: [--count N] [--workers N] or --fairness: the fair queue's figure)

Configuration comes from environment variables: see README.md.`;

type Handler = (args: string[], io: CommandIo) => Promise<number>;

function intOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

export class UsageError extends Error {}

const commands: Record<string, Handler> = {
  check: async (args, io) => {
    const { values, positionals } = parseArgs({
      args,
      options: { exercise: { type: 'string' }, json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError('check needs exactly one FILE');
    const { runCheckCommand } = await import('./commands/check.command');
    let rules;
    try {
      rules = await exerciseRules(values.exercise);
    } catch (e) {
      // With --json the answer is always exactly one JSON object, even for an unknown exercise.
      if (!(e instanceof UnknownExerciseError) || !values.json) throw e;
      io.out(JSON.stringify({ ok: false, errors: [{ line: 1, column: 1, message: e.message }], warnings: [], model: null, training: null, hash: null }));
      return 1;
    }
    return runCheckCommand({ file: positionals[0]!, json: values.json, rules }, io);
  },
  grade: async (args, io) => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        exercise: { type: 'string' },
        epochs: { type: 'string' },
        seed: { type: 'string' },
        'limit-train': { type: 'string' },
        'limit-test': { type: 'string' },
        out: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError('grade needs exactly one FILE');
    const { runGradeCommand } = await import('./commands/grade.command');
    return runGradeCommand(
      {
        file: positionals[0]!,
        exercise: values.exercise,
        epochs: intOption(values.epochs, 'epochs'),
        seed: intOption(values.seed, 'seed'),
        limitTrain: intOption(values['limit-train'], 'limit-train'),
        limitTest: intOption(values['limit-test'], 'limit-test'),
        out: values.out,
      },
      io,
    );
  },
  bench: async (args, io) => {
    const [kind, ...rest] = args;
    if (kind === 'api' || kind === 'queue') {
      // These drive the real API / grader processes and take their own options (passed through).
      const { runAppBench } = await import('./commands/bench-apps.command');
      return runAppBench(kind, rest, io);
    }
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { 'compare-torch': { type: 'boolean', default: false }, backend: { type: 'string' }, runs: { type: 'string' } },
    });
    if (positionals[0] !== 'train' && (values.backend !== undefined || values.runs !== undefined)) {
      throw new UsageError('--backend and --runs only go with `bench train`');
    }
    switch (positionals[0]) {
      case 'check': {
        const { runBenchCheckCommand } = await import('./commands/bench-check.command');
        return runBenchCheckCommand({}, io);
      }
      case 'train': {
        const { BACKEND_NAMES, isBackendName, runBenchTrainCommand } = await import('./commands/bench-train.command');
        const runs = intOption(values.runs, 'runs');
        if (runs !== undefined && runs < 3) throw new UsageError('--runs must be at least 3 (the median of 3 or more runs)');
        const backend = values.backend;
        if (backend !== undefined && !isBackendName(backend)) throw new UsageError(`--backend must be one of: ${BACKEND_NAMES.join(', ')}`);
        return runBenchTrainCommand({ compareTorch: values['compare-torch'], runs, backends: backend ? [backend] : undefined }, io);
      }
      case 'epoch': {
        const { runBenchEpochCommand } = await import('./commands/bench-train.command');
        return runBenchEpochCommand({}, io);
      }
      default:
        throw new UsageError('bench needs one of: check, train, epoch, api, queue');
    }
  },
  up: async (args, io) => {
    parseArgs({ args, options: {}, strict: true });
    const { runUpCommand } = await import('./commands/up.command');
    return runUpCommand(io);
  },
  down: async (args, io) => {
    parseArgs({ args, options: {}, strict: true });
    const { runDownCommand } = await import('./commands/down.command');
    return runDownCommand(io);
  },
  test: async (args, io) => {
    const { values } = parseArgs({ args, options: { target: { type: 'string', multiple: true }, project: { type: 'string', multiple: true } }, strict: true });
    const { runTestCommand } = await import('./commands/test.command');
    return runTestCommand({ targets: values.target, projects: values.project }, io);
  },
  db: async (args, io) => {
    const { values, positionals } = parseArgs({ args, options: { create: { type: 'string' } }, allowPositionals: true, strict: true });
    const sub = positionals[0];
    if (sub !== 'migrate' && sub !== 'seed' && sub !== 'reset') throw new UsageError('db needs one of: migrate, seed, reset');
    if (values.create !== undefined && sub !== 'migrate') throw new UsageError('--create only goes with `db migrate`');
    const { runDbCommand } = await import('./commands/db.command');
    return runDbCommand({ action: sub, create: values.create }, io);
  },
  artifacts: async (args, io) => {
    const { positionals, values } = parseArgs({
      args,
      options: { days: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals[0] !== 'retention' || positionals.length !== 1) throw new UsageError('artifacts needs: retention');
    const { runArtifactsRetention } = await import('./commands/artifacts.command');
    return runArtifactsRetention({ days: intOption(values.days, 'days'), dryRun: values['dry-run'] }, io);
  },
  content: async (args, io) => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        course: { type: 'string' },
        ref: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'overwrite-edited-policies': { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals[0] !== 'sync') throw new UsageError('content needs: sync');
    if (positionals.length !== 2) throw new UsageError('content sync needs exactly one DIR or GIT-URL');
    const { runContentSyncCommand } = await import('./commands/content.command');
    return runContentSyncCommand(
      {
        source: positionals[1]!,
        ...(values.course ? { course: values.course } : {}),
        ...(values.ref ? { ref: values.ref } : {}),
        dryRun: values['dry-run'],
        overwriteEditedPolicies: values['overwrite-edited-policies'],
      },
      io,
    );
  },
  admin: async (args, io) => {
    const { values, positionals } = parseArgs({
      args,
      options: { name: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false }, generate: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals[0] !== 'create') throw new UsageError('admin needs: create');
    if (positionals.length !== 2) throw new UsageError('admin create needs exactly one EMAIL');
    if (values['password-stdin'] && values.generate) throw new UsageError('--password-stdin and --generate exclude each other');
    const { runAdminCreateCommand } = await import('./commands/admin.command');
    return runAdminCreateCommand(
      { email: positionals[1]!, ...(values.name ? { name: values.name } : {}), passwordStdin: values['password-stdin'], generate: values.generate },
      io,
    );
  },
  calibrate: async (args, io) => {
    const { values, positionals } = parseArgs({
      args,
      options: { seeds: { type: 'string' }, course: { type: 'string' }, variant: { type: 'string' }, wait: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError('calibrate needs exactly one exercise SLUG');
    if (values.variant !== undefined && values.variant.trim() === '')
      throw new UsageError("--variant needs a NAME (one of the exercise's calibrationVariants)");
    const seeds = intOption(values.seeds, 'seeds');
    if (seeds === undefined) throw new UsageError('calibrate needs --seeds N');
    if (seeds > 50) throw new UsageError(`--seeds is at most 50, got ${seeds}`);
    const { runCalibrateCommand } = await import('./commands/calibrate.command');
    return runCalibrateCommand(
      {
        exercise: positionals[0]!,
        ...(values.course ? { course: values.course } : {}),
        ...(values.variant !== undefined ? { variant: values.variant } : {}),
        seeds,
        wait: values.wait,
      },
      io,
    );
  },
  data: async (args, io) => {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    if (positionals[0] !== 'prepare') throw new UsageError('data needs: prepare');
    const { runDataPrepareCli } = await import('./commands/data.command');
    return runDataPrepareCli(io);
  },
};

export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name ? 0 : 2;
  }
  const handler = commands[name];
  if (!handler) {
    io.err(`epoch: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await handler(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`epoch ${name}: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof UnknownExerciseError) {
      io.err(`epoch ${name}: ${e.message}`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof ServiceError) {
      io.err(`epoch ${name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

export { intOption };

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`epoch: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
