'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { TCourseAdminView, TEnrollmentView, TUserView } from '@epoch/contracts';
import { postJson } from '../lib/browser-api';
import { failure, Outcome, type TOutcome } from './form-outcome';

export function CreateCourseForm({ csrfToken }: { csrfToken: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    const code = String(d.get('enrollmentCode') ?? '').trim();
    try {
      const c = await postJson<TCourseAdminView>(
        '/api/admin/courses',
        {
          slug: String(d.get('slug') ?? '').trim(),
          title: String(d.get('title') ?? ''),
          description: String(d.get('description') ?? ''),
          ...(code ? { enrollmentCode: code } : {}),
        },
        { csrfToken },
      );
      setOutcome({ ok: true, text: `Created ${c.title} (${c.slug}). Students join with the code ${c.enrollmentCode}.`, lines: [] });
      form.reset();
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  return (
    <form
      className="card form"
      onSubmit={(e) => {
        submit(e).catch(() => undefined);
      }}
      aria-labelledby="create-course-title"
    >
      <h2 id="create-course-title">Create a course</h2>
      <label htmlFor="c-slug">Slug (in the course's address: lower-case letters, digits, dashes)</label>
      <input id="c-slug" name="slug" required />
      <label htmlFor="c-title">Title</label>
      <input id="c-title" name="title" required />
      <label htmlFor="c-description">Description</label>
      <textarea id="c-description" name="description" rows={2} />
      <label htmlFor="c-code">Enrollment code (blank: generate one)</label>
      <input id="c-code" name="enrollmentCode" placeholder="e.g. SPRING-2027" />
      <Outcome outcome={outcome} id="create-course-outcome" />
      <button type="submit" className="primary">
        Create course
      </button>
    </form>
  );
}

/** Picks one of `users` (those not yet in the course) and posts it to the course: instructors or students. */
function AddPersonForm({ course, csrfToken, users, kind }: { course: string; csrfToken: string; users: readonly TUserView[]; kind: 'instructor' | 'student' }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const id = `add-${kind}`;
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const userId = String(new FormData(e.currentTarget).get('userId') ?? '');
    const who = users.find((u) => u.id === userId);
    try {
      if (kind === 'instructor') await postJson(`/api/admin/courses/${encodeURIComponent(course)}/instructors`, { userId }, { csrfToken });
      else await postJson<TEnrollmentView>(`/api/admin/courses/${encodeURIComponent(course)}/students`, { userId }, { csrfToken });
      setOutcome({ ok: true, text: `${who?.name ?? 'The user'} is now ${kind === 'instructor' ? 'an instructor' : 'a student'} of this course.`, lines: [] });
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  return (
    <form
      className="card form"
      onSubmit={(e) => {
        submit(e).catch(() => undefined);
      }}
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>{kind === 'instructor' ? 'Assign an instructor' : 'Enroll a student'}</h2>
      {users.length === 0 ? (
        <p className="muted">
          {kind === 'instructor'
            ? 'Every instructor account already teaches this course. Create one on the Users page.'
            : 'Every student account is already enrolled. Create students on the Users page (or import a roster with a course column).'}
        </p>
      ) : (
        <>
          <label htmlFor={`${id}-user`}>{kind === 'instructor' ? 'Instructor' : 'Student'}</label>
          {/* Keyed by the choices: after someone is added the list changes, and the select starts again at "Choose…". */}
          <select key={users.map((u) => u.id).join()} id={`${id}-user`} name="userId" required defaultValue="">
            <option value="" disabled>
              Choose…
            </option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.email})
              </option>
            ))}
          </select>
          <Outcome outcome={outcome} id={`${id}-outcome`} />
          <button type="submit" className="primary">
            {kind === 'instructor' ? 'Assign instructor' : 'Enroll student'}
          </button>
        </>
      )}
    </form>
  );
}

export function AssignInstructorForm(props: { course: string; csrfToken: string; users: readonly TUserView[] }) {
  return <AddPersonForm {...props} kind="instructor" />;
}

export function EnrollStudentForm(props: { course: string; csrfToken: string; users: readonly TUserView[] }) {
  return <AddPersonForm {...props} kind="student" />;
}
