import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CreateCourseForm } from '../../../components/course-admin';
import { api, ApiError } from '../../../lib/api-client';
import { signInOn401 } from '../../../lib/require-user';
import { LocalTime } from '../../../components/local-time';

export const dynamic = 'force-dynamic';

export default async function CoursesAdminPage() {
  const me = await api.me();
  if (!me) signInOn401('/admin/courses')(new ApiError(401, 'sign in'));
  if (me?.role !== 'ADMIN') notFound();
  const courses = await api.adminCourses().catch(signInOn401('/admin/courses'));
  return (
    <article className="wide">
      <h1>Courses</h1>
      <section className="card" aria-labelledby="courses-title">
        <h2 id="courses-title">All courses ({courses.items.length})</h2>
        <div className="table-scroll">
          <table className="class-table" data-testid="courses-table">
            <thead>
              <tr>
                <th scope="col">Course</th>
                <th scope="col">Enrollment code</th>
                <th scope="col">Students</th>
                <th scope="col">Instructors</th>
                <th scope="col">Exercises</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {courses.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/admin/courses/${c.slug}`}>{c.title}</Link>
                    <br />
                    <span className="muted small">{c.slug}</span>
                  </td>
                  <td>
                    <code>{c.enrollmentCode}</code>
                  </td>
                  <td className="num">{c.students}</td>
                  <td className="num">{c.instructors}</td>
                  <td className="num">{c.exercises}</td>
                  <td>
                    <LocalTime iso={c.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <div className="admin-forms">
        <CreateCourseForm csrfToken={me.csrfToken} />
      </div>
    </article>
  );
}
