/**
 * A content source that cannot be read as a course: a corrupt or hostile archive, a repository that cannot be cloned,
 * a folder with links or too much in it. `tooLarge` marks the refusals that are about size (the API answers 413).
 */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}
