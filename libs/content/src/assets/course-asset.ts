import { NotFoundError } from '@epoch/contracts';
import type { TDb } from '@epoch/db';
import { findAsset } from '../repositories/course-content.repository';

/** Figure files a lesson step may reference: `figures/<name>.svg|png`, nothing with a path in it. */
const FIGURE = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.(svg|png|jpe?g)$/;

/**
 * A course's figure, as the last content sync stored it (`figures/<file>`). Anything that is not a figure name of an
 * existing course is NotFoundError, never anything else.
 */
export async function courseFigure(db: TDb, slug: string, file: string): Promise<{ bytes: Buffer; type: string; sha256: string }> {
  const notFound = () => new NotFoundError(`no figure "${file}" in course "${slug}"`);
  if (!FIGURE.test(file) || file.includes('..') || !/^[a-z0-9-]+$/.test(slug)) throw notFound();
  const asset = await findAsset(db, slug, `figures/${file}`);
  if (!asset) throw notFound();
  return { bytes: Buffer.from(asset.bytes), type: asset.contentType, sha256: asset.sha256 };
}

/** A file of a course's reference run (`reference-runs/<run>/<file>`), or null when the course has none such. */
export async function referenceRunFile(db: TDb, slug: string, run: string, file: string): Promise<Buffer | null> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(run) || !/^[a-z0-9-]+\.json$/.test(file)) return null;
  const asset = await findAsset(db, slug, `reference-runs/${run}/${file}`);
  return asset ? Buffer.from(asset.bytes) : null;
}

/** The sha256 of a course's stored file (changes with each sync that changes the file), or null. */
export async function assetRevision(db: TDb, slug: string, path: string): Promise<string | null> {
  return (await findAsset(db, slug, path))?.sha256 ?? null;
}
