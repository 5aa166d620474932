import { join } from 'node:path';
import { modelRulesFromPolicy, type TCourseContent, type TModelRulesInput } from '@epoch/contracts';
import { listCourseDirs, loadCourseContent } from '@epoch/content';
import { repoRoot } from './paths';

export class UnknownExerciseError extends Error {}

/** An exercise from the content files (not the database: the CLI works without one). */
export async function findExercise(slug: string, exercisesDir = join(repoRoot(), 'exercises')): Promise<TCourseContent['exercises'][number]> {
  const known: string[] = [];
  for (const dir of await listCourseDirs(exercisesDir)) {
    const content = await loadCourseContent(dir);
    const hit = content.exercises.find((e) => e.slug === slug);
    if (hit) return hit;
    known.push(...content.exercises.map((e) => e.slug));
  }
  throw new UnknownExerciseError(`no exercise "${slug}"; known exercises: ${known.join(', ') || '(none)'}`);
}

export async function exerciseRules(slug: string | undefined): Promise<TModelRulesInput | undefined> {
  return slug === undefined ? undefined : modelRulesFromPolicy((await findExercise(slug)).policy);
}
