import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '@epoch/contracts';
import { courseExists } from '../repositories/course.repository';
import type { TDb } from '@epoch/db';

/** Figure files a lesson step may reference: `figures/<name>.svg|png`, nothing with a path in it. */
const FIGURE = /^[a-z0-9][a-z0-9-]*\.(svg|png)$/;

/**
 * A course's figure file (lesson illustrations live with the content files, `<contentDir>/<course>/figures/`, not in
 * the database). Anything that is not a figure name of an existing course is NotFoundError, never a path outside.
 */
export async function courseFigure(db: TDb, contentDir: string, slug: string, file: string): Promise<{ bytes: Buffer; type: 'image/svg+xml' | 'image/png' }> {
  const notFound = () => new NotFoundError(`no figure "${file}" in course "${slug}"`);
  if (!FIGURE.test(file) || !/^[a-z0-9-]+$/.test(slug)) throw notFound();
  if (!(await courseExists(db, slug))) throw notFound();
  const bytes = await readFile(join(contentDir, slug, 'figures', file)).catch(() => null);
  if (!bytes) throw notFound();
  return { bytes, type: file.endsWith('.svg') ? 'image/svg+xml' : 'image/png' };
}
