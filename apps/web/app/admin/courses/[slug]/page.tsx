import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AssignInstructorForm, EnrollStudentForm } from '../../../../components/course-admin';
import { api, ApiError } from '../../../../lib/api-client';
import { signInOn401 } from '../../../../lib/require-user';
import { LocalTime } from '../../../../components/local-time';

export const dynamic = 'force-dynamic';

export default async function CourseAdminPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const back = `/admin/courses/${slug}`;
  const me = await api.me();
  if (!me) signInOn401(back)(new ApiError(401, 'sign in'));
  if (me?.role !== 'ADMIN') notFound();
  const hide = (e: unknown) => {
    if (e instanceof ApiError && e.status === 404) notFound();
    return signInOn401(back)(e);
  };
  const [course, instructors, students] = await Promise.all([
    api.adminCourse(slug).catch(hide),
    api.users('INSTRUCTOR').catch(hide),
    api.users('STUDENT').catch(hide),
  ]);
  const enrolled = new Set(course.enrollments.map((e) => e.userId));
  return (
    <article className="wide">
      <p className="muted">
        <Link href="/admin/courses">Courses</Link> · <Link href={`/courses/${course.slug}`}>the course&apos;s lesson</Link>
      </p>
      <h1>{course.title}</h1>
      {course.description && <p className="muted">{course.description}</p>}
      <div className="stats" data-testid="course-summary">
        <div className="stat">
          <span className="stat-value" data-testid="enrollment-code">
            <code>{course.enrollmentCode}</code>
          </span>
          <span className="muted">enrollment code: students enter it to join</span>
        </div>
        <div className="stat">
          <span className="stat-value">{course.students}</span>
          <span className="muted">students</span>
        </div>
        <div className="stat">
          <span className="stat-value">{course.instructors}</span>
          <span className="muted">instructors</span>
        </div>
        <div className="stat">
          <span className="stat-value">{course.exercises}</span>
          <span className="muted">exercises</span>
        </div>
      </div>
      <div className="admin-forms">
        <AssignInstructorForm course={course.slug} csrfToken={me.csrfToken} users={instructors.items.filter((u) => !enrolled.has(u.id))} />
        <EnrollStudentForm course={course.slug} csrfToken={me.csrfToken} users={students.items.filter((u) => !enrolled.has(u.id))} />
      </div>
      <section className="card" aria-labelledby="enrolled-title">
        <h2 id="enrolled-title">Enrolled ({course.enrollments.length})</h2>
        {course.enrollments.length === 0 ? (
          <p className="muted">Nobody yet. Students join with the enrollment code, or are enrolled here or by a roster import.</p>
        ) : (
          <div className="table-scroll">
            <table className="class-table" data-testid="enrollments-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">In this course</th>
                  <th scope="col">Enrolled</th>
                </tr>
              </thead>
              <tbody>
                {course.enrollments.map((e) => (
                  <tr key={e.userId}>
                    <td>{e.name}</td>
                    <td>{e.email}</td>
                    <td>
                      <span className={`role-badge role-${e.courseRole.toLowerCase()}`}>{e.courseRole.toLowerCase()}</span>
                    </td>
                    <td>
                      <LocalTime iso={e.enrolledAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </article>
  );
}
