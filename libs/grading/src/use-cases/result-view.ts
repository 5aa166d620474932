import { DomainError, ZHeldOutPart, type TResultView } from '@epoch/contracts';
import type { Artifact, EpochMetric, Result, Submission } from '@epoch/db';
import type { TDb } from '../lifecycle/lifecycle';
import { judgedAccuracy, seedRunsOf } from '../lifecycle/decide';
import { publicPartHidden, shownStatus } from '../lifecycle/schedule';
import { diagnose, DIAGNOSIS_STEPS, lessonStepFor } from '../diagnoses/diagnose';
import { attemptEpochs, epochView } from '../repositories/epochs.repository';

type TSubmissionWithResult = Submission & {
  result: Result | null;
  artifacts: Pick<Artifact, 'name' | 'kind' | 'contentType'>[];
  exercise: { policy: { deadline: Date | null; resultVisibility: 'IMMEDIATE' | 'AFTER_DEADLINE' } | null };
  /** Its epochs of every attempt when loaded with it (findWithResult); else the result's attempt is read here. */
  metrics?: EpochMetric[];
};

/** What a practice run shows: its training and validation curves, nothing measured on the test set. */
const PRACTICE_ARTIFACTS: ReadonlySet<Artifact['kind']> = new Set(['ACCURACY_PLOT', 'LOSS_PLOT']);

/**
 * A submission's result as its viewer may see it: metrics, verdict, history (the producing attempt's epochs), backend,
 * durations, the seeds trained, the held-out part and the artifacts' addresses. While it is hidden from the viewer
 * (resultHidden: results after the deadline, or a held-out split before it), the verdict, the seed runs and the
 * held-out part are left out, and under AFTER_DEADLINE the public numbers and plots too. A practice run never has a
 * verdict or test numbers (status GRADED, its validation history and curves only).
 */
export async function resultView(db: TDb, submission: TSubmissionWithResult, hidden: boolean): Promise<TResultView> {
  const r = submission.result;
  if (!r) throw new DomainError('not_found', 'no_result', `submission ${submission.id} has no result (status ${submission.status})`);
  const practice = submission.kind === 'PRACTICE';
  const passed = submission.status === 'PASSED' ? true : submission.status === 'FAILED' ? false : null;
  const id = submission.id;
  const publicHidden = publicPartHidden(hidden, submission.exercise.policy);
  const noTest = publicHidden || practice;
  const heldOut = ZHeldOutPart.safeParse(r.heldOut);
  const history = submission.metrics ? submission.metrics.filter((m) => m.attempt === r.attempt).map(epochView) : await attemptEpochs(db, id, r.attempt);
  // The confusion matrix (dead output) only when the viewer may see the test numbers.
  const findings = diagnose(history, noTest ? null : r.confusionMatrix);
  const steps = findings.length ? await explainingSteps(db, submission.exerciseId) : new Map<string, { title: string; href: string }>();
  return {
    submissionId: id,
    kind: submission.kind,
    status: shownStatus(submission.status, hidden || practice),
    passed: hidden || practice ? null : passed,
    testAccuracy: noTest ? null : r.testAccuracy,
    testLoss: noTest ? null : r.testLoss,
    perClassAccuracy: noTest ? null : r.perClassAccuracy,
    confusionMatrix: noTest ? null : r.confusionMatrix,
    resultHidden: hidden,
    visibleFrom: hidden ? (submission.exercise.policy?.deadline?.toISOString() ?? null) : null,
    history,
    backend: r.backend,
    backendVersions: r.backendVersions,
    seed: r.seed,
    durations: { queueWaitMs: r.queueWaitMs, trainingMs: r.trainingMs, evaluationMs: r.evaluationMs },
    reusedFrom: submission.reusedFromId,
    artifacts: (publicHidden ? [] : practice ? submission.artifacts.filter((a) => PRACTICE_ARTIFACTS.has(a.kind)) : submission.artifacts).map((a) => ({
      ...a,
      url: `/api/submissions/${id}/artifacts/${encodeURIComponent(a.name)}`,
    })),
    seedRuns: hidden || practice ? [] : seedRunsOf(r),
    pendingSeed: hidden || practice ? null : r.pendingSeed,
    verdictAccuracy: hidden || practice ? null : judgedAccuracy(r),
    heldOut: hidden || practice || !heldOut.success ? null : heldOut.data,
    heldOutHidden: hidden && heldOut.success,
    diagnoses: findings.map((f) => ({ ...f, lessonStep: lessonStepFor(f.kind, steps) })),
  };
}

/** The steps of the exercise's course that explain a diagnosis (slug -> title and address), current ones only. */
async function explainingSteps(db: TDb, exerciseId: string): Promise<Map<string, { title: string; href: string }>> {
  const slugs = [...new Set(Object.values(DIAGNOSIS_STEPS).flat())];
  const rows = await db.lessonStep.findMany({
    where: { slug: { in: slugs }, removedAt: null, lesson: { removedAt: null, course: { exercises: { some: { id: exerciseId } } } } },
    select: { slug: true, title: true, lesson: { select: { slug: true, position: true, course: { select: { slug: true } } } } },
    orderBy: [{ lesson: { position: 'asc' } }, { position: 'asc' }],
  });
  const steps = new Map<string, { title: string; href: string }>();
  for (const s of rows)
    if (!steps.has(s.slug))
      steps.set(s.slug, {
        title: s.title,
        href: `/courses/${encodeURIComponent(s.lesson.course.slug)}/${encodeURIComponent(s.lesson.slug)}/${encodeURIComponent(s.slug)}`,
      });
  return steps;
}
