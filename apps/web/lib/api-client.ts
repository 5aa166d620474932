import { z } from 'zod';
import { ZCourseList, ZCourseOutline, ZLessonStepView } from '@epoch/contracts';
import { loadWebConfig } from './config';

/** Typed client for the API: every response is validated against the shared contract. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

async function get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const { EPOCH_API_URL } = loadWebConfig();
  const res = await fetch(new URL(path, EPOCH_API_URL), { cache: 'no-store', headers: { accept: 'application/json' } });
  if (!res.ok) throw new ApiError(res.status, `API ${path}: HTTP ${res.status}`);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new ApiError(502, `API ${path}: unexpected response shape`);
  return parsed.data;
}

export const api = {
  courses: () => get('/api/courses', ZCourseList),
  course: (slug: string) => get(`/api/courses/${encodeURIComponent(slug)}`, ZCourseOutline),
  step: (course: string, lesson: string, step: string) =>
    get(`/api/courses/${encodeURIComponent(course)}/lessons/${encodeURIComponent(lesson)}/steps/${encodeURIComponent(step)}`, ZLessonStepView),
};
