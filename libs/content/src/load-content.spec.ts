import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentError, listCourseDirs, loadCourseContent, STEP_DIRECTIVES, stepSlug } from './load-content';

const repoExercises = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../exercises');

describe('the demo course in exercises/', () => {
  it('is the only course folder', async () => {
    expect(await listCourseDirs(repoExercises)).toEqual([path.join(repoExercises, 'cifar10-intro')]);
  });

  it('loads with its lesson steps in order', async () => {
    const content = await loadCourseContent(path.join(repoExercises, 'cifar10-intro'));
    expect(content.course).toMatchObject({ slug: 'cifar10-intro', enrollmentCode: 'CIFAR10-DEMO' });
    expect(content.lessons.map((l) => [l.slug, l.position])).toEqual([['image-classification', 1]]);
    const steps = content.lessons[0].steps;
    expect(steps.map((s) => s.slug)).toEqual([
      'neural-networks',
      'loading-cifar10',
      'viewing-pictures',
      'dense-network',
      'training-and-accuracy',
      'predictions',
      'why-cnns',
      'convolution-layer',
      'first-cnn',
      'overfitting',
      'pooling-and-dropout',
      'model3',
      'exercise',
      'feature-maps',
      'conclusion',
    ]);
    expect(steps.map((s) => s.position)).toEqual(steps.map((_, i) => i + 1));
    for (const step of steps) {
      expect(step.title).not.toBe('');
      expect(step.body).not.toMatch(/^\s*# /);
    }
  });

  it('keeps the lesson facts: parameter counts, placeholders and figures where they belong', async () => {
    const content = await loadCourseContent(path.join(repoExercises, 'cifar10-intro'));
    const body = (slug: string) => content.lessons[0].steps.find((s) => s.slug === slug)?.body ?? '';
    expect(body('dense-network')).toContain('789,258');
    expect(body('first-cnn')).toContain('4,196,618');
    expect(body('model3')).toContain('94,890');
    expect(body('viewing-pictures')).toMatch(/^::training-grid$/m);
    expect(body('training-and-accuracy')).toMatch(/^::accuracy-curve\{model="dense"\}$/m);
    expect(body('predictions')).toMatch(/^::prediction-grid$/m);
    expect(body('feature-maps')).toMatch(/^::feature-maps$/m);
    expect(body('neural-networks')).toContain('](figures/sample-neural-network.svg)');
    expect(body('convolution-layer')).toContain('](figures/example-filters.svg)');
    expect(body('convolution-layer')).toContain('](figures/convolution-example.svg)');
    expect(body('first-cnn')).toContain('](figures/simple-cnn.svg)');
    // The overfitting curves of the first CNN, model3's curves and predictions, pooling and dropout, from real runs.
    expect(body('overfitting')).toMatch(/^::accuracy-curve\{model="model2"\}$/m);
    expect(body('exercise')).toMatch(/^::accuracy-curve\{model="model3"\}$/m);
    expect(body('exercise')).toMatch(/^::prediction-grid\{model="model3"\}$/m);
    expect(body('pooling-and-dropout')).toMatch(/^::max-pooling$/m);
    expect(body('pooling-and-dropout')).toContain('](figures/dropout.svg)');
    // Each step that introduces an exercise links to it.
    expect(body('training-and-accuracy')).toContain('](/exercises/cifar10-dense)');
    expect(body('first-cnn')).toContain('](/exercises/cifar10-cnn)');
    expect(body('exercise')).toContain('[Open the cifar10-model3 exercise](/exercises/cifar10-model3)');
  });

  it('has the three exercises with their policies and code', async () => {
    const { exercises } = await loadCourseContent(path.join(repoExercises, 'cifar10-intro'));
    expect(exercises.map((e) => [e.slug, e.position])).toEqual([
      ['cifar10-dense', 1],
      ['cifar10-cnn', 2],
      ['cifar10-model3', 3],
    ]);
    expect(exercises.map((e) => [e.policy.minTestAccuracy, e.policy.requiredEpochs, e.policy.maxEpochs])).toEqual([
      [0.3, 10, 10],
      [0.5, 10, 10],
      [0.7, 30, 30],
    ]);
    const model3 = exercises[2];
    expect(model3.policy.timeLimitSeconds).toBe(10800);
    expect(exercises.every((e) => e.policy.dailyQuota === 10)).toBe(true);
    expect(model3.starterCode).toContain('model3.compile(');
    expect(model3.starterCode).not.toMatch(/\.fit\(/);
    expect(model3.solutionCode).toMatch(/model3\.fit\([^)]*epochs=30/);
    expect(exercises[0].solutionCode).toMatch(/'SGD'/);
    expect(exercises[0].solutionCode).toMatch(/model\.fit\([^)]*epochs=10/);
    expect(exercises[1].solutionCode).toMatch(/model2\.fit\([^)]*epochs=10/);
    for (const e of exercises) expect(e.instructions).toContain('validation_data');
  });

  it("lists model3's wrong variants for calibration, with their code, and none for the other exercises", async () => {
    const { exercises } = await loadCourseContent(path.join(repoExercises, 'cifar10-intro'));
    expect(exercises.map((e) => e.calibrationVariants.map((v) => v.name))).toEqual([[], [], ['no-dropout', 'model2-30-epochs']]);
    const [noDropout, model2] = exercises[2].calibrationVariants;
    expect(noDropout).toMatchObject({ file: 'variants/no-dropout.py', description: expect.stringContaining('without its Dropout(0.5)') });
    expect(exercises[2].solutionCode).toContain('Dropout(0.5)');
    expect(noDropout.code).not.toMatch(/^\s*Dropout\(/m);
    expect(noDropout.code).toMatch(/model3\.fit\([^)]*epochs=30/);
    expect(model2.code).toMatch(/model2\.fit\([^)]*epochs=30/);
    expect(model2.code).not.toMatch(/^\s*MaxPooling2D\(/m);
  });
});

/** The fixture's second step: a data figure and the link to the exercise that follows it. */
const MORE = '# More\n\n::prediction-grid\n\n[Open the first exercise](/exercises/first)\n';

describe('loadCourseContent on bad content', () => {
  let root: string;
  let course: string;

  const write = async (rel: string, text: string) => {
    const file = path.join(course, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  };
  const edit = async (rel: string, change: (text: string) => string) => {
    const file = path.join(course, rel);
    await writeFile(file, change(await readFile(file, 'utf8')));
  };
  const loadError = async (): Promise<ContentError> => {
    const error: unknown = await loadCourseContent(course).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContentError);
    return error as ContentError;
  };

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'epoch-content-'));
    course = path.join(root, 'exercises', 'demo');
    await write(
      'course.yaml',
      [
        'slug: demo',
        'title: Demo',
        'description: A demo course.',
        'enrollmentCode: DEMO-1',
        'lessons:',
        '  - slug: basics',
        '    title: Basics',
        '    steps: [01-intro.md, 02-more.md]',
        'exercises: [first]',
        '',
      ].join('\n'),
    );
    await write('steps/01-intro.md', '# Intro\n\nHello.\n\n![A figure](figures/a.svg)\n');
    await write('steps/02-more.md', MORE);
    await write('figures/a.svg', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>\n');
    await write(
      'first/exercise.yaml',
      ['slug: first', 'title: First', 'instructions: Do it.', 'afterStep: 02-more.md', 'policy:', '  minTestAccuracy: 0.5', ''].join('\n'),
    );
    await write('first/starter.py', 'model = None\n');
    await write('first/solution.py', 'model.fit(train_data, epochs=1)\n');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads the valid fixture, with titles, bodies, code and policy defaults', async () => {
    const content = await loadCourseContent(course);
    expect(content.lessons[0].steps).toEqual([
      { slug: 'intro', title: 'Intro', position: 1, body: 'Hello.\n\n![A figure](figures/a.svg)\n' },
      { slug: 'more', title: 'More', position: 2, body: '::prediction-grid\n\n[Open the first exercise](/exercises/first)\n' },
    ]);
    expect(content.exercises[0]).toMatchObject({
      slug: 'first',
      position: 1,
      starterCode: 'model = None\n',
      solutionCode: 'model.fit(train_data, epochs=1)\n',
      policy: { minTestAccuracy: 0.5, requiredEpochs: null, maxEpochs: 200, dailyQuota: 10 },
    });
  });

  it('accepts leading blank lines and Windows line endings in steps', async () => {
    await write('steps/01-intro.md', '\r\n# Intro  \r\n\r\nHello.\r\n');
    const content = await loadCourseContent(course);
    expect(content.lessons[0].steps[0]).toMatchObject({ title: 'Intro', body: 'Hello.\n' });
  });

  it('reads the schedule of an exercise: opening, deadline, late windows and the counted attempt', async () => {
    await edit('first/exercise.yaml', (t) =>
      t.replace(
        'minTestAccuracy: 0.5',
        'minTestAccuracy: 0.5\n  opensAt: "2026-11-01T08:00:00+01:00"\n  deadline: "2026-12-24T23:59:00+01:00"\n  lateCredit:\n    - { hours: 24, credit: 0.8 }\n  countedResult: LAST',
      ),
    );
    const content = await loadCourseContent(course);
    expect(content.exercises[0]!.policy).toMatchObject({
      opensAt: '2026-11-01T08:00:00+01:00',
      deadline: '2026-12-24T23:59:00+01:00',
      lateCredit: [{ hours: 24, credit: 0.8 }],
      countedResult: 'LAST',
    });
    await edit('first/exercise.yaml', (t) => t.replace('credit: 0.8', 'credit: 80'));
    expect((await loadError()).message).toMatch(/^exercises\/demo\/first\/exercise\.yaml: line \d+: policy\.lateCredit\.0\.credit: Too big/);
  });

  it('names the file and the field path of a schema error', async () => {
    await edit('first/exercise.yaml', (t) => t.replace('minTestAccuracy: 0.5', 'minTestAccuracy: 1.5'));
    const error = await loadError();
    expect(error.message).toBe('exercises/demo/first/exercise.yaml: line 6: policy.minTestAccuracy: Too big: expected number to be <=1');
    expect(error.file).toBe(path.join(course, 'first', 'exercise.yaml'));
  });

  it('lists every schema error of course.yaml, including unknown keys', async () => {
    await edit('course.yaml', (t) => t.replace('enrollmentCode: DEMO-1', 'enrollmentCode: demo\ncolour: blue'));
    const lines = (await loadError()).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^exercises\/demo\/course\.yaml: line 4: enrollmentCode: 4–32 upper-case letters/);
    expect(lines[1]).toMatch(/^exercises\/demo\/course\.yaml: line 1: Unrecognized key: "colour"/);
  });

  it('names the line of a missing field (its parent) and of a bad value deep in a list', async () => {
    await edit('course.yaml', (t) => t.replace('    steps: [01-intro.md, 02-more.md]', '    steps: [01-intro.md, 02_More.md]'));
    expect((await loadError()).message).toMatch(/^exercises\/demo\/course\.yaml: line 8: lessons\.0\.steps\.1: /);
    await edit('course.yaml', (t) => t.replace('02_More.md', '02-more.md').replace('title: Demo\n', ''));
    expect((await loadError()).message).toMatch(/^exercises\/demo\/course\.yaml: line 1: title: /);
  });

  it('refuses a YAML bomb (aliases of aliases) instead of expanding it', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
    ];
    await write('course.yaml', `${bomb.join('\n')}\n`);
    expect((await loadError()).message).toMatch(/^exercises\/demo\/course\.yaml: invalid YAML: .*(alias|Excessive)/i);
  });

  it('refuses a YAML file over its size limit', async () => {
    await write('course.yaml', `# ${'x'.repeat(300 * 1024)}\nslug: demo\n`);
    expect((await loadError()).message).toMatch(/^exercises\/demo\/course\.yaml: the file is \d+ bytes, over the limit of 262144/);
  });

  it('refuses a lesson slug that a course page uses', async () => {
    await edit('course.yaml', (t) => t.replace('  - slug: basics', '  - slug: exercises'));
    expect((await loadError()).message).toMatch(/^exercises\/demo\/course\.yaml: lessons\.0\.slug: "exercises" is reserved for the course's own pages/);
  });

  it('accepts a course without an enrollment code (one is chosen when the course is created)', async () => {
    await edit('course.yaml', (t) => t.replace('enrollmentCode: DEMO-1\n', ''));
    expect((await loadCourseContent(course)).course.enrollmentCode).toBeUndefined();
  });

  it('collects the figures and reference runs with their types and hashes, and nothing else', async () => {
    await write('reference-runs/dense/result.json', '{"testAccuracy": 0.4}\n');
    await write('reference-runs/README.md', 'notes for authors\n');
    await write('notes.txt', 'not content\n');
    const { assets } = await loadCourseContent(course);
    expect(assets.map((a) => [a.path, a.contentType])).toEqual([
      ['figures/a.svg', 'image/svg+xml'],
      ['reference-runs/dense/result.json', 'application/json'],
    ]);
    expect(assets[1]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a reference run that is not JSON, a figure of an unknown type, and a link among the figures', async () => {
    await write('reference-runs/dense/result.json', '{not json');
    expect((await loadError()).message).toMatch(/^exercises\/demo\/reference-runs\/dense\/result\.json: invalid JSON: /);
    await rm(path.join(course, 'reference-runs'), { recursive: true });
    await write('figures/run.sh', 'echo hi\n');
    expect((await loadError()).message).toMatch(/^exercises\/demo\/figures\/run\.sh: unsupported file type/);
    await rm(path.join(course, 'figures', 'run.sh'));
    await symlink('/etc/passwd', path.join(course, 'figures', 'b.svg'));
    expect((await loadError()).message).toBe('exercises/demo/figures/b.svg: a symbolic link: course content must be plain files');
  });

  it('does not follow a step file that is a link', async () => {
    await rm(path.join(course, 'steps', '02-more.md'));
    await symlink('/etc/passwd', path.join(course, 'steps', '02-more.md'));
    expect((await loadError()).message).toBe('exercises/demo/course.yaml: lessons.0.steps.1: step file exercises/demo/steps/02-more.md does not exist');
  });

  it('reports YAML syntax errors with the file', async () => {
    await write('course.yaml', 'slug: demo\nlessons: [unclosed\n');
    expect((await loadError()).message).toMatch(/^exercises\/demo\/course\.yaml: invalid YAML: /);
  });

  it('reports a missing course.yaml', async () => {
    await rm(path.join(course, 'course.yaml'));
    expect((await loadError()).message).toBe('exercises/demo/course.yaml: file not found');
  });

  it('reports a listed step file that does not exist', async () => {
    await rm(path.join(course, 'steps', '02-more.md'));
    expect((await loadError()).message).toBe('exercises/demo/course.yaml: lessons.0.steps.1: step file exercises/demo/steps/02-more.md does not exist');
  });

  it('reports a step without a "# " title', async () => {
    await write('steps/02-more.md', '## Not a title\n\nText.\n');
    expect((await loadError()).message).toBe('exercises/demo/steps/02-more.md: line 1: a step must start with a "# Title" line');
    await write('steps/02-more.md', '\n\n');
    expect((await loadError()).message).toMatch(/^exercises\/demo\/steps\/02-more\.md: line 1: a step must start/);
  });

  it('reports two step files with the same slug', async () => {
    await edit('course.yaml', (t) => t.replace('02-more.md', '02-intro.md'));
    await write('steps/02-intro.md', '# Again\n');
    expect((await loadError()).message).toBe('exercises/demo/course.yaml: lessons.0.steps.1: duplicate step slug "intro" (also from 01-intro.md)');
  });

  it('reports duplicate lesson and exercise slugs', async () => {
    await edit('course.yaml', (t) => t.replace('exercises: [first]', 'exercises: [first, first]'));
    expect((await loadError()).message).toBe('exercises/demo/course.yaml: exercises.1: duplicate exercise slug "first"');
    await edit('course.yaml', (t) =>
      t.replace('exercises: [first, first]', '  - slug: basics\n    title: Again\n    steps: [01-intro.md]\nexercises: [first]'),
    );
    expect((await loadError()).message).toBe('exercises/demo/course.yaml: lessons.1.slug: duplicate lesson slug "basics"');
  });

  it('reports an exercise that is listed but missing', async () => {
    await edit('course.yaml', (t) => t.replace('exercises: [first]', 'exercises: [first, second]'));
    expect((await loadError()).message).toBe(
      'exercises/demo/course.yaml: exercises.1: exercise "second" is listed but exercises/demo/second/exercise.yaml does not exist',
    );
  });

  it('reports an exercise whose slug does not match its folder', async () => {
    await edit('first/exercise.yaml', (t) => t.replace('slug: first', 'slug: other'));
    expect((await loadError()).message).toBe('exercises/demo/first/exercise.yaml: slug: "other" must match its folder name "first"');
  });

  it('reports an afterStep that is not a step of the course', async () => {
    await edit('first/exercise.yaml', (t) => t.replace('afterStep: 02-more.md', 'afterStep: 09-nowhere.md'));
    expect((await loadError()).message).toBe('exercises/demo/first/exercise.yaml: afterStep: "09-nowhere.md" is not a step of this course');
  });

  it('reports missing or empty code files', async () => {
    await rm(path.join(course, 'first', 'starter.py'));
    expect((await loadError()).message).toBe('exercises/demo/first/exercise.yaml: starter: exercises/demo/first/starter.py does not exist');
    await write('first/starter.py', '  \n');
    expect((await loadError()).message).toBe('exercises/demo/first/starter.py: the file is empty');
  });

  it('refuses code files outside the exercise folder', async () => {
    await edit('first/exercise.yaml', (t) => `${t}solution: ../other/solution.py\n`);
    expect((await loadError()).message).toBe(
      'exercises/demo/first/exercise.yaml: solution: "../other/solution.py" must be a file name in the exercise folder, without a path',
    );
  });

  describe('calibration variants', () => {
    const MODEL = [
      'from tensorflow.keras import Sequential',
      'from tensorflow.keras.layers import Input, Flatten, Dense, Dropout',
      '',
      "model = Sequential([Input((32, 32, 3)), Flatten(), Dropout(0.5), Dense(10, activation='softmax')])",
      "model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])",
      'model.fit(train_data, epochs=1)',
      '',
    ].join('\n');
    const WRONG = MODEL.replace('Flatten(), Dropout(0.5), ', 'Flatten(), ');
    const variants = (...entries: string[]) => edit('first/exercise.yaml', (t) => `${t}calibrationVariants:\n${entries.join('\n')}\n`);
    beforeEach(async () => {
      await write('first/solution.py', MODEL);
      await write('first/variants/no-dropout.py', WRONG);
    });

    it('loads each listed variant with its code, in order; an exercise without them has none', async () => {
      expect((await loadCourseContent(course)).exercises[0].calibrationVariants).toEqual([]);
      await write('first/wide.py', WRONG.replace('Dense(10', 'Dense(32), Dense(10'));
      await variants(
        '  - name: no-dropout',
        '    file: variants/no-dropout.py',
        '    description: Without the dropout layer.',
        '  - { name: wide, file: wide.py }',
      );
      expect((await loadCourseContent(course)).exercises[0].calibrationVariants).toEqual([
        { name: 'no-dropout', file: 'variants/no-dropout.py', description: 'Without the dropout layer.', code: WRONG },
        { name: 'wide', file: 'wide.py', description: null, code: expect.stringContaining('Dense(32)') },
      ]);
    });

    it("refuses a variant that does not pass the exercise's checks, naming its file and line", async () => {
      await write('first/variants/no-dropout.py', WRONG.replace('epochs=1', 'epochs=3'));
      await edit('first/exercise.yaml', (t) => t.replace('  minTestAccuracy: 0.5', '  minTestAccuracy: 0.5\n  requiredEpochs: 1'));
      await variants('  - name: no-dropout', '    file: variants/no-dropout.py');
      const error = await loadError();
      expect(error.shownFile).toBe('exercises/demo/first/variants/no-dropout.py');
      expect(error.message).toMatch(
        /^exercises\/demo\/first\/variants\/no-dropout\.py: line 6: .*epochs.* \(calibration variant "no-dropout" must pass the exercise's checks: it is trained like the reference solution\)$/,
      );
      await write('first/variants/no-dropout.py', 'model = Sequential([\n');
      expect((await loadError()).message).toMatch(/^exercises\/demo\/first\/variants\/no-dropout\.py: line 1: Syntax error/);
    });

    it('names the line and field of a missing file, a duplicate name, a copy of the solution and a bad entry', async () => {
      await variants('  - name: no-dropout', '    file: variants/missing.py');
      expect((await loadError()).message).toBe(
        'exercises/demo/first/exercise.yaml: line 9: calibrationVariants.0.file: exercises/demo/first/variants/missing.py does not exist',
      );
      await edit('first/exercise.yaml', (t) => t.replace('variants/missing.py', 'variants/no-dropout.py\n  - { name: no-dropout, file: solution.py }'));
      expect((await loadError()).message).toBe(
        'exercises/demo/first/exercise.yaml: line 10: calibrationVariants.1.name: duplicate variant name "no-dropout" (also calibrationVariants.0)',
      );
      await edit('first/exercise.yaml', (t) => t.replace('{ name: no-dropout, file: solution.py }', '{ name: same, file: solution.py }'));
      expect((await loadError()).message).toBe(
        'exercises/demo/first/exercise.yaml: line 10: calibrationVariants.1.file: variant "same" (solution.py) trains the same model as the reference solution; a calibration variant should differ from it',
      );
      await edit('first/exercise.yaml', (t) => t.replace('{ name: same, file: solution.py }', '{ name: No_Dropout, file: ../../etc/x.py, colour: red }'));
      const lines = (await loadError()).message.split('\n');
      expect(lines).toEqual([
        'exercises/demo/first/exercise.yaml: line 10: calibrationVariants.1.name: lower-case words joined by hyphens',
        'exercises/demo/first/exercise.yaml: line 10: calibrationVariants.1.file: a .py file inside the exercise folder, e.g. variants/no-dropout.py',
        expect.stringMatching(/^exercises\/demo\/first\/exercise\.yaml: line 10: calibrationVariants\.1: Unrecognized key: "colour"/),
      ]);
    });
  });

  it('reports duplicate keys in YAML', async () => {
    await edit('first/exercise.yaml', (t) => `${t}title: Again\n`);
    expect((await loadError()).message).toMatch(/^exercises\/demo\/first\/exercise\.yaml: invalid YAML: Map keys must be unique/);
  });

  it('reports an unknown placeholder directive', async () => {
    await write('steps/02-more.md', `${MORE}\n::accuracy-curves\n`);
    const message = (await loadError()).message;
    expect(message).toContain('exercises/demo/steps/02-more.md: line 7: unknown directive "::accuracy-curves"');
    for (const directive of STEP_DIRECTIVES) expect(message).toContain(directive);
    // The dataset's own grid takes no reference run.
    await write('steps/02-more.md', `${MORE}\n::training-grid{model="dense"}\n`);
    expect((await loadError()).message).toContain('line 7: unknown directive "::training-grid{model="dense"}"');
  });

  it('accepts a figure from another reference run only when that run exists', async () => {
    await write('steps/02-more.md', `${MORE}\n::accuracy-curve{model="cnn"}\n`);
    expect((await loadError()).message).toBe(
      'exercises/demo/steps/02-more.md: line 7: ::accuracy-curve{model="cnn"}: no reference run "cnn" (looked for exercises/demo/reference-runs/cnn/result.json)',
    );
    await write('reference-runs/cnn/result.json', '{}\n');
    const content = await loadCourseContent(course);
    expect(content.lessons[0].steps[1].body).toContain('::accuracy-curve{model="cnn"}');
  });

  it('requires the step an exercise follows to link to it, and links only to exercises of the course', async () => {
    await write('steps/02-more.md', '# More\n\n::prediction-grid\n');
    expect((await loadError()).message).toBe(
      'exercises/demo/steps/02-more.md: introduces exercise "first" (its afterStep) but does not link to it: add [Open the first exercise](/exercises/first)',
    );
    await write('steps/01-intro.md', '# Intro\n\nSee [the second exercise](/exercises/second).\n');
    await write('steps/02-more.md', MORE);
    expect((await loadError()).message).toBe(
      'exercises/demo/steps/01-intro.md: link /exercises/second: "second" is not an exercise of this course (known: first)',
    );
  });

  it('reports an image that does not exist', async () => {
    await write('steps/01-intro.md', '# Intro\n\n![Missing](figures/missing.svg)\n');
    expect((await loadError()).message).toBe(
      'exercises/demo/steps/01-intro.md: line 3: image figures/missing.svg not found (looked for exercises/demo/figures/missing.svg)',
    );
  });

  it('refuses local images outside figures/', async () => {
    for (const target of ['steps/a.svg', 'figures/../course.yaml', '/etc/passwd']) {
      await write('steps/01-intro.md', `# Intro\n\n![Outside](${target})\n`);
      expect((await loadError()).message).toBe(
        `exercises/demo/steps/01-intro.md: line 3: image ${target} must be a file in the course's figures/ folder (figures/<name>)`,
      );
    }
    await write('steps/01-intro.md', '# Intro\n\n![Remote](https://example.org/a.png)\n');
    await expect(loadCourseContent(course)).resolves.toBeDefined();
  });
});

describe('listCourseDirs', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'epoch-courses-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('returns the folders holding a course.yaml, sorted, and skips the rest', async () => {
    for (const dir of ['b-course', 'a-course', 'no-course']) await mkdir(path.join(root, dir));
    await writeFile(path.join(root, 'b-course', 'course.yaml'), 'slug: b\n');
    await writeFile(path.join(root, 'a-course', 'course.yaml'), 'slug: a\n');
    await writeFile(path.join(root, 'course.yaml'), 'a file beside the folders, not a course folder\n');
    expect(await listCourseDirs(root)).toEqual([path.join(root, 'a-course'), path.join(root, 'b-course')]);
  });

  it('throws a ContentError for a missing folder', async () => {
    const missing = path.join(root, 'nope');
    await expect(listCourseDirs(missing)).rejects.toThrow(ContentError);
    await expect(listCourseDirs(missing)).rejects.toThrow(`${missing}: cannot read the exercises folder`);
  });
});

describe('stepSlug', () => {
  it('drops the ordering number and the extension', () => {
    expect(stepSlug('04-dense-network.md')).toBe('dense-network');
    expect(stepSlug('intro.md')).toBe('intro');
    expect(stepSlug('2024-recap.md')).toBe('recap');
  });
});
