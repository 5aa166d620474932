// Course content as a repository: the one loader of course folders (validation with file, line and field), the
// sources it reads (folders, uploaded archives, git repositories, each refused when hostile or too large), and the sync
// that diffs a course against the database and applies it in one transaction. `./epoch content sync`, the web's
// content page and the demo seed all go through syncContent.
export { ContentError, listCourseDirs, loadCourseContent, STEP_DIRECTIVES, stepSlug, type TCourseAssetFile, type TLoadedCourse } from './load-content';
export { CONTENT_LIMITS } from './limits';
export { syncContent, summaryLine, type TContentSource, type TSyncOptions } from './sync/sync-content';
export { archiveKind, extractArchive, type TArchiveKind } from './source/archive';
export { safeEntryPath } from './source/entry-path';
export { checkGitSource, cloneGit, isGitUrl, type TGitAccess } from './source/git';
export { SourceError } from './source/source-error';
export { checkTree, findCourseDirs } from './source/tree';
export { assetRevision, courseFigure, referenceRunFile } from './assets/course-asset';
export { contentStatus, setContentSource } from './status/content-status';
