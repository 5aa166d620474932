'use client';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { TPlot } from '../lib/result-plots';

type TOpen = (index: number) => void;
const GalleryContext = createContext<{ plots: readonly TPlot[]; open: TOpen } | null>(null);

/**
 * Every plot of a result, openable full size: thumbnails (PlotThumb) anywhere inside open a lightbox (a modal
 * <dialog>) that pages through all plots in page order with Previous/Next (or the arrow keys), offers the PNG for
 * download, and closes with Escape or Close, handing the focus back to the thumbnail.
 */
export function PlotGallery({ plots, children }: { plots: readonly TPlot[]; children: ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const [index, setIndex] = useState<number | null>(null);
  const open = useCallback<TOpen>((i) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setIndex(i);
  }, []);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (index !== null && !d.open) d.showModal();
    if (index === null && d.open) {
      d.close();
      opener.current?.focus();
    }
  }, [index]);
  const step = (by: number) => setIndex((i) => (i === null ? i : (i + by + plots.length) % plots.length));
  const onKey = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key === 'ArrowRight') {
      e.preventDefault();
      step(1);
    } else if (e.key === 'ArrowLeft') {
      e.preventDefault();
      step(-1);
    }
  };
  const plot = index === null ? null : plots[index];
  return (
    <GalleryContext.Provider value={{ plots, open }}>
      {children}
      <dialog
        ref={dialog}
        className="lightbox"
        aria-labelledby="lightbox-title"
        data-testid="lightbox"
        onClose={() => {
          setIndex(null);
          opener.current?.focus();
        }}
        onKeyDown={onKey}
        onClick={(e) => {
          // A click on the backdrop (the dialog itself, outside its content) closes it.
          if (e.target === e.currentTarget) setIndex(null);
        }}
      >
        {plot && (
          <div className="lightbox-body">
            <div className="lightbox-bar">
              <h2 id="lightbox-title">{plot.title}</h2>
              <span className="muted" data-testid="lightbox-position">
                {index! + 1} of {plots.length}
              </span>
            </div>
            <div className="lightbox-image">
              <img src={plot.url} alt={plot.alt} />
            </div>
            <p className="lightbox-alt muted">{plot.alt}</p>
            <div className="lightbox-bar">
              <div className="actions">
                <button type="button" onClick={() => step(-1)} aria-label="Previous plot">
                  ← Previous
                </button>
                <button type="button" onClick={() => step(1)} aria-label="Next plot">
                  Next →
                </button>
                <a className="button-link" href={plot.url} download={plot.name}>
                  Download PNG
                </a>
              </div>
              <button type="button" autoFocus onClick={() => setIndex(null)}>
                Close
              </button>
            </div>
          </div>
        )}
      </dialog>
    </GalleryContext.Provider>
  );
}

/** A plot's thumbnail with its title: a button that opens it full size in the gallery around it. */
export function PlotThumb({ name }: { name: string }) {
  const gallery = useContext(GalleryContext);
  if (!gallery) throw new Error('PlotThumb must be inside a PlotGallery');
  const i = gallery.plots.findIndex((p) => p.name === name);
  const plot = gallery.plots[i];
  if (!plot) return null;
  return (
    <figure className="plot">
      <button type="button" className="plot-open" onClick={() => gallery.open(i)} aria-label={`Open “${plot.title}” full size`}>
        <img src={plot.url} alt={plot.alt} loading="lazy" />
      </button>
      <figcaption>{plot.title}</figcaption>
    </figure>
  );
}
