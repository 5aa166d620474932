/**
 * What a course's content may be, wherever it comes from (a folder, an uploaded archive, a git repository). The
 * numbers are documented in docs/COURSE-FORMAT.md ("Limits"); anything over them is refused with a message and
 * nothing is applied.
 */
export interface TContentLimits {
  maxArchiveBytes: number;
  maxTotalBytes: number;
  maxEntries: number;
  maxFileBytes: number;
  maxYamlBytes: number;
  maxYamlAliases: number;
  maxDepth: number;
  gitTimeoutMs: number;
}

export const CONTENT_LIMITS: Readonly<TContentLimits> = {
  /** An uploaded archive (.zip or .tar.gz), as uploaded. */
  maxArchiveBytes: 20 * 1024 * 1024,
  /** Everything in the archive or repository, unpacked. */
  maxTotalBytes: 100 * 1024 * 1024,
  /** Files and folders in the archive or repository. */
  maxEntries: 5000,
  /** One file (a figure, a reference run, a step, code). */
  maxFileBytes: 10 * 1024 * 1024,
  /** One YAML file (course.yaml, exercise.yaml). */
  maxYamlBytes: 256 * 1024,
  /** YAML aliases (`*name`) one file may expand: a few are handy, thousands are an attack. */
  maxYamlAliases: 100,
  /** Folder depth inside the archive or repository. */
  maxDepth: 16,
  /** How long a git clone may take, in milliseconds. */
  gitTimeoutMs: 120_000,
};
