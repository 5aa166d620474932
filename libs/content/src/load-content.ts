import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  LESSON_FIGURE_NAMES,
  RESERVED_LESSON_SLUGS,
  ZCourseFile,
  ZExerciseFile,
  type TCalibrationVariant,
  type TCourseContent,
  type TCourseFile,
  type TExerciseFile,
} from '@epoch/contracts';
import { checkAgainstPolicy } from '@epoch/grading';
import { CONTENT_LIMITS } from './limits';

/**
 * Loads a course written as files (see exercises/README.md) and checks everything the database cannot:
 * that every listed file exists, that titles and slugs are present and unique, and that references resolve.
 */

/** Bad course content. The message names the file (and the field path inside it) and what is wrong. */
export class ContentError extends Error {
  override readonly name = 'ContentError';
  constructor(
    message: string,
    readonly file: string,
    /** The file as the message shows it (relative to the source: `my-course/course.yaml`). */
    readonly shownFile: string = file,
  ) {
    super(message);
  }
}

/**
 * Placeholders the web app renders from real data, each alone on its line: `::name`, or `::name{model="<run>"}` to
 * draw it from another of the course's `reference-runs/<run>/` (which must exist). Any other `::name` line is a typo.
 */
export const STEP_DIRECTIVES: readonly string[] = LESSON_FIGURE_NAMES.map((name) => `::${name}`);
const DIRECTIVE = /^::([a-z-]+)(?:\{model="([a-z0-9][a-z0-9-]*)"\})?$/;
/** Figures that show the dataset itself, not a reference run: they take no `model`. */
const DATA_ONLY = new Set(['::training-grid']);
/** A link to an exercise page from a step: `[Open the exercise](/exercises/<slug>)`. */
const EXERCISE_LINK = /\]\(\/exercises\/([a-z0-9][a-z0-9-]*)\)/g;

const COURSE_FILE = 'course.yaml';
const EXERCISE_FILE = 'exercise.yaml';
const STEPS_DIR = 'steps';

/** Folders directly under `exercisesDir` that hold a course.yaml, sorted by name. */
export async function listCourseDirs(exercisesDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(exercisesDir);
  } catch (error) {
    throw new ContentError(`${exercisesDir}: cannot read the exercises folder (${reason(error)})`, exercisesDir);
  }
  const dirs: string[] = [];
  // Any entry may be a course folder (a symlink too); isFile() on its course.yaml settles it.
  for (const name of names.sort((a, b) => a.localeCompare(b))) {
    const dir = path.join(exercisesDir, name);
    if (await isFileFollowingLinks(path.join(dir, COURSE_FILE))) dirs.push(dir);
  }
  return dirs;
}

/** A file of the course that pages read besides the text: a figure or a reference run's JSON. */
export interface TCourseAssetFile {
  /** Path inside the course folder, with `/` separators (`figures/a.svg`, `reference-runs/dense/result.json`). */
  path: string;
  contentType: string;
  sha256: string;
  bytes: Buffer;
}

/** A loaded course: the validated text, and the files its pages read (figures, reference runs). */
export interface TLoadedCourse extends TCourseContent {
  assets: TCourseAssetFile[];
}

/** The folders whose files are stored with the course (everything else in the folder is only read, or ignored). */
const ASSET_DIRS = ['figures', 'reference-runs'] as const;
const ASSET_TYPES: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.json': 'application/json',
};

/**
 * Loads and checks one course folder. Messages show paths from `opts.shownFrom` (default: the folder above the
 * course's parent, e.g. `exercises/cifar10-intro/...`, which is how authors know them, wherever the loader runs
 * from; for an unpacked archive or a clone, its root); ContentError.file keeps the full path.
 */
export async function loadCourseContent(courseDir: string, opts: { shownFrom?: string } = {}): Promise<TLoadedCourse> {
  const from = opts.shownFrom ?? path.dirname(path.dirname(path.resolve(courseDir)));
  const shown = (file: string) => path.relative(from, file).split(path.sep).join('/') || path.basename(file);
  const ctx: TContext = { courseDir: path.resolve(courseDir), shown };

  const courseFile = path.join(ctx.courseDir, COURSE_FILE);
  const course = validate(ZCourseFile, await readYaml(ctx, courseFile), ctx, courseFile);

  const lessonSlugs = new Set<string>();
  const stepFiles = new Set<string>();
  const lessons: TCourseContent['lessons'] = [];
  for (const [i, lesson] of course.lessons.entries()) {
    if (lessonSlugs.has(lesson.slug)) fail(ctx, courseFile, `lessons.${i}.slug: duplicate lesson slug "${lesson.slug}"`);
    if ((RESERVED_LESSON_SLUGS as readonly string[]).includes(lesson.slug)) {
      fail(ctx, courseFile, `lessons.${i}.slug: "${lesson.slug}" is reserved for the course's own pages (${RESERVED_LESSON_SLUGS.join(', ')})`);
    }
    lessonSlugs.add(lesson.slug);
    lessons.push({ slug: lesson.slug, title: lesson.title, position: i + 1, steps: await loadSteps(ctx, courseFile, lesson, i) });
    for (const step of lesson.steps) stepFiles.add(step);
  }

  const exercises: TCourseContent['exercises'] = [];
  const exerciseSlugs = new Set<string>();
  for (const [i, slug] of course.exercises.entries()) {
    if (exerciseSlugs.has(slug)) fail(ctx, courseFile, `exercises.${i}: duplicate exercise slug "${slug}"`);
    exerciseSlugs.add(slug);
    exercises.push({ ...(await loadExercise(ctx, courseFile, slug, i, stepFiles)), position: i + 1 });
  }
  checkExerciseLinks(ctx, lessons, course.lessons, exercises);

  return { course, lessons, exercises, assets: await loadAssets(ctx) };
}

/** Every file under the course's figures/ and reference-runs/ (no links, within the size limits). */
async function loadAssets(ctx: TContext): Promise<TCourseAssetFile[]> {
  const assets: TCourseAssetFile[] = [];
  const visit = async (rel: string): Promise<void> => {
    const dir = path.join(ctx.courseDir, rel);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // an absent folder has no assets
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const childRel = `${rel}/${e.name}`;
      const full = path.join(dir, e.name);
      if (e.isSymbolicLink()) fail(ctx, full, 'a symbolic link: course content must be plain files');
      if (e.isDirectory()) {
        await visit(childRel);
        continue;
      }
      if (!e.isFile()) fail(ctx, full, 'not a plain file');
      if (e.name.startsWith('.') || /\.md$/i.test(e.name)) continue; // notes for authors (README.md, .gitkeep)
      const type = ASSET_TYPES[path.extname(e.name).toLowerCase()];
      if (!type) fail(ctx, full, `unsupported file type (figures and reference runs may be ${Object.keys(ASSET_TYPES).join(', ')})`);
      const size = (await lstat(full)).size;
      if (size > CONTENT_LIMITS.maxFileBytes) fail(ctx, full, `the file is ${size} bytes, over the limit of ${CONTENT_LIMITS.maxFileBytes}`);
      const bytes = await readFile(full);
      if (type === 'application/json') {
        try {
          JSON.parse(bytes.toString('utf8'));
        } catch (error) {
          fail(ctx, full, `invalid JSON: ${reason(error)}`);
        }
      }
      assets.push({ path: childRel, contentType: type, sha256: createHash('sha256').update(bytes).digest('hex'), bytes });
    }
  };
  for (const dir of ASSET_DIRS) await visit(dir);
  return assets;
}

interface TContext {
  courseDir: string;
  shown: (file: string) => string;
}

type TLesson = TCourseFile['lessons'][number];

async function loadSteps(ctx: TContext, courseFile: string, lesson: TLesson, lessonIndex: number) {
  const slugs = new Map<string, string>();
  const steps: TCourseContent['lessons'][number]['steps'] = [];
  for (const [i, fileName] of lesson.steps.entries()) {
    const field = `lessons.${lessonIndex}.steps.${i}`;
    const file = path.join(ctx.courseDir, STEPS_DIR, fileName);
    if (!(await isFile(file))) fail(ctx, courseFile, `${field}: step file ${ctx.shown(file)} does not exist`);
    const slug = stepSlug(fileName);
    const clash = slugs.get(slug);
    if (clash !== undefined) fail(ctx, courseFile, `${field}: duplicate step slug "${slug}" (also from ${clash})`);
    slugs.set(slug, fileName);
    const { title, body } = await readStep(ctx, file);
    steps.push({ slug, title, position: i + 1, body });
  }
  return steps;
}

/** `04-dense-network.md` → `dense-network`: the number only orders the files. */
export function stepSlug(fileName: string): string {
  return fileName.replace(/\.md$/, '').replace(/^\d+-/, '');
}

async function readStep(ctx: TContext, file: string): Promise<{ title: string; body: string }> {
  const lines = (await readText(ctx, file)).split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  const heading = first >= 0 ? /^# (.*\S.*)$/.exec(lines[first]) : null;
  if (!heading) fail(ctx, file, `line ${first + 1 || 1}: a step must start with a "# Title" line`);
  const bodyLines = lines.slice(first + 1);
  for (const [i, line] of bodyLines.entries()) {
    const lineNo = first + 2 + i;
    if (/^::[a-z]/.test(line)) await checkDirective(ctx, file, lineNo, line.trim());
    for (const image of line.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const target = image[1];
      if (/^[a-z]+:/i.test(target)) continue;
      // The web app serves a course's figures/ folder and nothing else of it, so local images must live there.
      if (!/^figures\/[A-Za-z0-9_.-]+$/.test(target) || target.includes('..')) {
        fail(ctx, file, `line ${lineNo}: image ${target} must be a file in the course's figures/ folder (figures/<name>)`);
      }
      if (!(await isFile(path.join(ctx.courseDir, target)))) {
        fail(ctx, file, `line ${lineNo}: image ${target} not found (looked for ${ctx.shown(path.join(ctx.courseDir, target))})`);
      }
    }
  }
  return {
    title: heading[1].trim(),
    body:
      bodyLines
        .join('\n')
        .replace(/^\s*\n/, '')
        .trimEnd() + '\n',
  };
}

async function checkDirective(ctx: TContext, file: string, lineNo: number, line: string): Promise<void> {
  const m = DIRECTIVE.exec(line);
  const name = m ? `::${m[1]}` : null;
  if (!m || !name || !STEP_DIRECTIVES.includes(name) || (m[2] !== undefined && DATA_ONLY.has(name))) {
    fail(
      ctx,
      file,
      `line ${lineNo}: unknown directive "${line}" (known: ${STEP_DIRECTIVES.join(', ')}; all but ${[...DATA_ONLY].join(', ')} may add {model="<a folder of reference-runs/>"})`,
    );
  }
  const run = m[2];
  if (run !== undefined) {
    const result = path.join(ctx.courseDir, 'reference-runs', run, 'result.json');
    if (!(await isFile(result))) fail(ctx, file, `line ${lineNo}: ${line}: no reference run "${run}" (looked for ${ctx.shown(result)})`);
  }
}

/**
 * Every link to an exercise page names an exercise of this course, and every step an exercise follows (its
 * `afterStep`) links to it, so a reader can open the exercise from where the lesson introduces it.
 */
function checkExerciseLinks(ctx: TContext, lessons: TCourseContent['lessons'], files: TCourseFile['lessons'], exercises: TCourseContent['exercises']): void {
  const known = new Set(exercises.map((e) => e.slug));
  const linksOf = new Map<string, Set<string>>();
  lessons.forEach((lesson, li) =>
    lesson.steps.forEach((step, si) => {
      const fileName = files[li]!.steps[si]!;
      const file = path.join(ctx.courseDir, STEPS_DIR, fileName);
      const links = new Set([...step.body.matchAll(EXERCISE_LINK)].map((m) => m[1]!));
      for (const slug of links) {
        if (!known.has(slug)) fail(ctx, file, `link /exercises/${slug}: "${slug}" is not an exercise of this course (known: ${[...known].join(', ')})`);
      }
      linksOf.set(fileName, links);
    }),
  );
  for (const e of exercises) {
    if (e.afterStep === undefined || linksOf.get(e.afterStep)?.has(e.slug)) continue;
    const file = path.join(ctx.courseDir, STEPS_DIR, e.afterStep);
    fail(ctx, file, `introduces exercise "${e.slug}" (its afterStep) but does not link to it: add [Open the ${e.slug} exercise](/exercises/${e.slug})`);
  }
}

async function loadExercise(ctx: TContext, courseFile: string, slug: string, index: number, stepFiles: Set<string>) {
  const dir = path.join(ctx.courseDir, slug);
  const file = path.join(dir, EXERCISE_FILE);
  if (!(await isFile(file))) {
    fail(ctx, courseFile, `exercises.${index}: exercise "${slug}" is listed but ${ctx.shown(file)} does not exist`);
  }
  const yaml = await readYaml(ctx, file);
  const exercise: TExerciseFile = validate(ZExerciseFile, yaml, ctx, file);
  if (exercise.slug !== slug) fail(ctx, file, `slug: "${exercise.slug}" must match its folder name "${slug}"`);
  if (exercise.afterStep !== undefined && !stepFiles.has(exercise.afterStep)) {
    fail(ctx, file, `afterStep: "${exercise.afterStep}" is not a step of this course`);
  }
  const readCode = async (codeFile: string, field: string) => {
    if (!(await isFile(codeFile))) fail(ctx, file, `${field}: ${ctx.shown(codeFile)} does not exist`);
    const text = await readText(ctx, codeFile);
    if (text.trim() === '') fail(ctx, codeFile, 'the file is empty');
    return text;
  };
  const code = async (field: 'starter' | 'solution') => {
    if (path.basename(exercise[field]) !== exercise[field]) {
      fail(ctx, file, `${field}: "${exercise[field]}" must be a file name in the exercise folder, without a path`);
    }
    return readCode(path.join(dir, exercise[field]), field);
  };
  const starterCode = await code('starter');
  const solutionCode = await code('solution');
  return { ...exercise, starterCode, solutionCode, calibrationVariants: await loadVariants(ctx, file, yaml, exercise, solutionCode, readCode) };
}

/**
 * An exercise's calibration variants with their code. Each is trained like the reference solution, so it must pass the
 * exercise's checks under the files' policy (a refusal names the variant's file and line), differ from the reference
 * solution's model, and have a name of its own.
 */
async function loadVariants(
  ctx: TContext,
  file: string,
  yaml: TYaml,
  exercise: TExerciseFile,
  solutionCode: string,
  readCode: (codeFile: string, field: string) => Promise<string>,
): Promise<TCalibrationVariant[]> {
  const dir = path.dirname(file);
  const at = (i: number, key: string) => {
    const line = yaml.lineOf(['calibrationVariants', i, key]);
    return `${line !== null ? `line ${line}: ` : ''}calibrationVariants.${i}.${key}`;
  };
  const solutionHash = exercise.calibrationVariants.length ? checkAgainstPolicy(exercise.policy, solutionCode).hash : undefined;
  const seen = new Map<string, number>();
  const variants: TCalibrationVariant[] = [];
  for (const [i, v] of exercise.calibrationVariants.entries()) {
    const before = seen.get(v.name);
    if (before !== undefined) fail(ctx, file, `${at(i, 'name')}: duplicate variant name "${v.name}" (also calibrationVariants.${before})`);
    seen.set(v.name, i);
    const codeFile = path.join(dir, ...v.file.split('/'));
    const code = await readCode(codeFile, at(i, 'file'));
    const report = checkAgainstPolicy(exercise.policy, code);
    const first = report.errors[0];
    if (!report.ok || !report.hash) {
      fail(
        ctx,
        codeFile,
        `${first ? `line ${first.line}: ${first.message}` : 'no model to train'} (calibration variant "${v.name}" must pass the exercise's checks: it is trained like the reference solution)`,
      );
    }
    if (solutionHash !== undefined && report.hash === solutionHash) {
      fail(
        ctx,
        file,
        `${at(i, 'file')}: variant "${v.name}" (${v.file}) trains the same model as the reference solution; a calibration variant should differ from it`,
      );
    }
    variants.push({ name: v.name, file: v.file, description: v.description ?? null, code });
  }
  return variants;
}

/** A parsed YAML file: its data, and where each field's value starts (for messages that name the line). */
interface TYaml {
  data: unknown;
  lineOf: (fieldPath: readonly PropertyKey[]) => number | null;
}

async function readYaml(ctx: TContext, file: string): Promise<TYaml> {
  if (!(await isFile(file))) fail(ctx, file, 'file not found');
  const text = await readText(ctx, file, CONTENT_LIMITS.maxYamlBytes);
  const lineCounter = new LineCounter();
  // Aliases are capped: a "billion laughs" file (aliases of aliases) is refused instead of expanding in memory.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const problem = doc.errors[0];
  if (problem) fail(ctx, file, `invalid YAML: ${reason(problem)}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: CONTENT_LIMITS.maxYamlAliases });
  } catch (error) {
    fail(ctx, file, `invalid YAML: ${reason(error)}`);
  }
  const lineOf = (fieldPath: readonly PropertyKey[]) => {
    // The deepest node of the path that exists (a missing field is reported at its parent).
    for (let n = fieldPath.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(fieldPath.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return null;
  };
  return { data, lineOf };
}

function validate<S extends z.ZodType>(schema: S, yaml: TYaml, ctx: TContext, file: string): z.output<S> {
  const result = schema.safeParse(yaml.data);
  if (result.success) return result.data;
  const shown = ctx.shown(file);
  const lines = result.error.issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    const line = yaml.lineOf(issue.path);
    return `${shown}: ${line !== null ? `line ${line}: ` : ''}${where ? `${where}: ` : ''}${issue.message}`;
  });
  throw new ContentError(lines.join('\n'), file, shown);
}

async function readText(ctx: TContext, file: string, limit: number = CONTENT_LIMITS.maxFileBytes): Promise<string> {
  try {
    const size = (await lstat(file)).size;
    if (size > limit) fail(ctx, file, `the file is ${size} bytes, over the limit of ${limit}`);
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ContentError) throw error;
    fail(ctx, file, `cannot read the file (${reason(error)})`);
  }
}

/** A plain file: a symbolic link is not one (course content is plain files, wherever it comes from). */
async function isFile(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isFile();
  } catch {
    return false;
  }
}

/** listCourseDirs follows links: the repository's own exercises/ folder may link a course folder in. */
async function isFileFollowingLinks(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function fail(ctx: TContext, file: string, what: string): never {
  throw new ContentError(`${ctx.shown(file)}: ${what}`, file, ctx.shown(file));
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}
