import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { AppModule } from './app.module';
import { ApiConfigError, loadApiConfig } from './config';

async function bootstrap(): Promise<void> {
  const config = loadApiConfig();
  const log = pino({ name: 'api', level: config.LOG_LEVEL });
  const app = await NestFactory.create(AppModule.forConfig(config), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(config.EPOCH_API_PORT, config.EPOCH_API_HOST);
  log.info({ port: config.EPOCH_API_PORT, host: config.EPOCH_API_HOST }, 'api listening');
}

bootstrap().catch((e: unknown) => {
  if (e instanceof ApiConfigError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`api: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
