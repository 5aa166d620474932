'use client';
import { useEffect, useState } from 'react';
import { browserTimeZone, formatTime, formatUtc } from '../lib/local-time';

/**
 * A point in time in the reader's own time zone. `zone`: also name the zone (for deadlines: there is no course time
 * zone yet, so the reader is told whose clock this is). Rendered as UTC on the server and replaced once in the browser.
 */
export function LocalTime({ iso, zone = false }: { iso: string; zone?: boolean }) {
  const [local, setLocal] = useState<{ text: string; zone: string | null } | null>(null);
  useEffect(() => {
    setLocal({ text: formatTime(iso), zone: browserTimeZone() });
  }, [iso]);
  const text = local ? `${local.text}${zone ? ` (your time${local.zone ? `, ${local.zone}` : ''})` : ''}` : formatUtc(iso);
  return (
    <time
      dateTime={iso}
      title={local ? `${formatUtc(iso)}; shown in your time zone${local.zone ? ` (${local.zone})` : ''}` : undefined}
      data-local={local ? 'true' : undefined}
    >
      {text}
    </time>
  );
}
