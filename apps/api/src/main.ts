import 'reflect-metadata';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pino } from 'pino';
import { demoPasswordRefusal, type TAccounts } from '@epoch/accounts';
import { CONTENT_LIMITS } from '@epoch/content';
import { AppModule } from './app.module';
import { ACCOUNTS, ApiConfigError, loadApiConfig, METRICS } from './config';
import { ErrorFilter, errorBody } from './http/error.filter';
import { requestLog } from './http/request-log';
import type { ApiMetrics } from './http/metrics';

/** Swagger UI's static files, served by the API itself (the docs page works offline). */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

async function bootstrap(): Promise<void> {
  const config = loadApiConfig();
  const log = pino({ name: 'api', level: config.LOG_LEVEL });
  // Nest's own body parser has no error formatting; ours is registered below with the size limit.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config, log), { logger: ['error', 'warn'], bodyParser: false });
  app.set('trust proxy', config.EPOCH_TRUST_PROXY);
  app.disable('x-powered-by');
  app.use(helmet());
  app.use(requestLog(log, app.get<ApiMetrics>(METRICS)));
  app.use('/api/docs/assets', express.static(SWAGGER_UI_DIR, { index: false, maxAge: '1d' }));
  // Course archives are uploaded as the request body itself (up to their own documented limit).
  app.use(
    /^\/api\/courses\/[^/]+\/content\/archive$/,
    express.raw({
      type: ['application/zip', 'application/gzip', 'application/x-gzip', 'application/x-tar+gzip', 'application/octet-stream'],
      limit: CONTENT_LIMITS.maxArchiveBytes,
    }),
  );
  // The LMS posts the LTI login and launch as HTML forms.
  app.use(/^\/api\/lti\/(login|launch)$/, express.urlencoded({ extended: false, limit: '256kb' }));
  app.use(express.json({ limit: config.EPOCH_BODY_LIMIT_BYTES }));
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if ((err as { type?: unknown }).type === 'entity.too.large' && req.path.endsWith('/content/archive')) {
      const limit = CONTENT_LIMITS.maxArchiveBytes;
      const message = `the archive is over the upload limit of ${limit} bytes (${limit / 1024 / 1024} MiB); nothing was changed`;
      res.status(413).json({ error: { code: 'content_too_large', message, details: [{ path: 'body', message }] } });
      return;
    }
    const { status, body } = errorBody(err);
    res.status(status).json(body);
  });
  app.useGlobalFilters(new ErrorFilter(log));
  app.enableShutdownHooks();
  if (!config.EPOCH_DEMO) {
    // Production mode: published demo passwords would let anyone in.
    const demo = await app.get<TAccounts>(ACCOUNTS).demoPasswordAccounts();
    if (demo.length) {
      process.stderr.write(`api: ${demoPasswordRefusal(demo)}\n`);
      await app.close();
      process.exit(1);
    }
  }
  await app.listen(config.EPOCH_API_PORT, config.EPOCH_API_HOST);
  log.info({ port: config.EPOCH_API_PORT, host: config.EPOCH_API_HOST }, 'api listening');
}

bootstrap().catch((e: unknown) => {
  if (e instanceof ApiConfigError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`api: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
