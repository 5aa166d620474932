import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { TLessonFigureName } from '@epoch/contracts';
import { defaultCifar10CacheDir, readCacheSample } from '@epoch/datasets';
import { assetRevision, referenceRunFile } from '@epoch/content';
import { API_CONFIG, PRISMA, type TApiConfig } from '../config';
import type { EpochPrismaClient } from '@epoch/db';
import { DEFAULT_MODEL, loadReferenceRun, neededImages, renderLessonFigure, type TReferenceRun, type TRenderedFigure } from './lesson-figures';

/**
 * Draws the lesson's data figures on demand. Reference runs (stored with the course by its content sync) are read once
 * per sync; a drawn figure is kept per dataset (the
 * prepared cache's checksum), so preparing CIFAR-10 while the API runs makes the figures appear without a restart.
 */
@Injectable()
export class LessonFiguresService {
  private readonly cacheDir: string;
  private readonly runs = new Map<string, Promise<TReferenceRun>>();
  private readonly drawn = new Map<string, TRenderedFigure>();

  constructor(
    @Inject(API_CONFIG) config: TApiConfig,
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
  ) {
    this.cacheDir = defaultCifar10CacheDir({ EPOCH_DATA_DIR: config.EPOCH_DATA_DIR });
  }

  /** A reference run and the revision it was read at (its result.json's sha256: a sync that changes it shows at once). */
  private async run(course: string, model: string): Promise<{ run: TReferenceRun; revision: string }> {
    const revision = (await assetRevision(this.prisma, course, `reference-runs/${model}/result.json`)) ?? 'none';
    const key = join(course, model, revision);
    let run = this.runs.get(key);
    if (!run) {
      run = loadReferenceRun((c, file) => referenceRunFile(this.prisma, c, model, file.split('/').pop() ?? ''), course, model);
      this.runs.set(key, run);
      // A failed read is not remembered: fixing the files fixes the figure.
      run.catch(() => this.runs.delete(key));
    }
    return { run: await run, revision };
  }

  /** The figure of a course (which must exist); FigureNotFoundError when its reference run does not. */
  async figure(course: string, name: TLessonFigureName, model: string | undefined): Promise<TRenderedFigure> {
    const runName = model ?? DEFAULT_MODEL[name];
    const read = runName ? await this.run(course, runName) : null;
    const run = read?.run ?? null;
    const need = neededImages(name, run);
    const sample = need && need.indices.length ? await readCacheSample(this.cacheDir, need.split, need.indices) : null;
    const dataset = sample ? (sample.ok ? sample.sample.manifest.files.images.sha256 : null) : 'none';
    const key = [course, name, runName ?? '', read?.revision ?? '', dataset].join('|');
    const known = dataset ? this.drawn.get(key) : undefined;
    if (known) return known;
    const q = runName && model ? `?model=${encodeURIComponent(runName)}` : '';
    const src = (file: string) => `/api/courses/${encodeURIComponent(course)}/data-figures/${name}/${encodeURIComponent(file)}${q}`;
    const figure = renderLessonFigure(name, run, sample, src);
    // Only what was drawn from a readable dataset (or from none) is kept; "not prepared" is looked at again next time.
    if (dataset && figure.view.status === 'ready') this.drawn.set(key, figure);
    return figure;
  }
}
