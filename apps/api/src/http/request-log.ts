import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ApiMetrics } from './metrics';

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives each request an id (the caller's `X-Request-Id` when it is safe to log, else a new one), echoes it in the
 * response, and logs one JSON line per request with its route, status and duration; feeds the metrics.
 */
export function requestLog(log: Logger, metrics: ApiMetrics) {
  return (req: Request & { id?: string }, res: Response, next: NextFunction): void => {
    const incoming = req.header('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = (req.route as { path?: string } | undefined)?.path ?? (req.path === '/metrics' ? '/metrics' : 'unmatched');
      metrics.observe(req.method, route, res.statusCode, seconds);
      const entry = { reqId: id, method: req.method, route, url: req.originalUrl, status: res.statusCode, ms: Math.round(seconds * 1000) };
      if (res.statusCode >= 500) log.error(entry, 'request');
      else log.info(entry, 'request');
    });
    next();
  };
}
