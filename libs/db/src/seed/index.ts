export { ContentError, listCourseDirs, loadCourseContent, STEP_DIRECTIVES } from './load-content';
export { DEMO_ACCOUNTS, seedCourse, seedDemo, seedDemoUsers, type DemoAccount, type SeedReport } from './seed';
export { hashPassword, verifyPassword } from './passwords';
