export interface DemoAccount {
  role: 'ADMIN' | 'INSTRUCTOR' | 'STUDENT';
  email: string;
  name: string;
  password: string;
}

/**
 * The demo accounts of `./epoch up` in demo mode (the default). Demo only: the passwords are published (README, the
 * sign-in page), so production mode never creates these accounts and refuses to start while any account has one of
 * these passwords, and no password change may pick one.
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { role: 'ADMIN', email: 'admin@epoch.test', name: 'Ada Admin', password: 'admin-demo-pass' },
  { role: 'INSTRUCTOR', email: 'instructor@epoch.test', name: 'Ivan Instructor', password: 'instructor-demo-pass' },
  { role: 'STUDENT', email: 'student1@epoch.test', name: 'Sam Student', password: 'student-demo-pass' },
  { role: 'STUDENT', email: 'student2@epoch.test', name: 'Kim Student', password: 'student-demo-pass' },
  { role: 'STUDENT', email: 'student3@epoch.test', name: 'Lee Student', password: 'student-demo-pass' },
];

/** Whether a password is one of the published demo passwords. */
export const isDemoPassword = (password: string): boolean => DEMO_ACCOUNTS.some((a) => a.password === password);
