import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { TLessonFigureName } from '@epoch/contracts';
import { defaultCifar10CacheDir, readCacheSample } from '@epoch/datasets';
import { API_CONFIG, type TApiConfig } from '../config';
import { DEFAULT_MODEL, loadReferenceRun, neededImages, renderLessonFigure, type TReferenceRun, type TRenderedFigure } from './lesson-figures';

/**
 * Draws the lesson's data figures on demand. Reference runs are read once; a drawn figure is kept per dataset (the
 * prepared cache's checksum), so preparing CIFAR-10 while the API runs makes the figures appear without a restart.
 */
@Injectable()
export class LessonFiguresService {
  private readonly cacheDir: string;
  private readonly runs = new Map<string, Promise<TReferenceRun>>();
  private readonly drawn = new Map<string, TRenderedFigure>();

  constructor(@Inject(API_CONFIG) private readonly config: TApiConfig) {
    this.cacheDir = defaultCifar10CacheDir({ EPOCH_DATA_DIR: config.EPOCH_DATA_DIR });
  }

  private run(course: string, model: string): Promise<TReferenceRun> {
    const key = join(course, model);
    let run = this.runs.get(key);
    if (!run) {
      run = loadReferenceRun(this.config.EPOCH_CONTENT_DIR, course, model);
      this.runs.set(key, run);
      // A failed read is not remembered: fixing the files fixes the figure.
      run.catch(() => this.runs.delete(key));
    }
    return run;
  }

  /** The figure of a course (which must exist); FigureNotFoundError when its reference run does not. */
  async figure(course: string, name: TLessonFigureName, model: string | undefined): Promise<TRenderedFigure> {
    const runName = model ?? DEFAULT_MODEL[name];
    const run = runName ? await this.run(course, runName) : null;
    const need = neededImages(name, run);
    const sample = need && need.indices.length ? await readCacheSample(this.cacheDir, need.split, need.indices) : null;
    const dataset = sample ? (sample.ok ? sample.sample.manifest.files.images.sha256 : null) : 'none';
    const key = [course, name, runName ?? '', dataset].join('|');
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
