import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { clientAddress, trustFunction } from './lib/client-address';
import { loadWebConfig } from './lib/config';

/**
 * The web server: Next.js behind a plain Node HTTP server (instead of `next start`) for one reason: only the socket
 * knows who is calling. Every request's X-Forwarded-For is REPLACED by the one client address worked out from the
 * socket and the trusted hops (EPOCH_WEB_TRUST_PROXY), so the API's per-address sign-in limit sees browsers, not
 * whatever a browser wrote into the header. Built into dist/server.js (`npm run build -w @epoch/web`).
 */
async function main(): Promise<void> {
  const config = loadWebConfig();
  const trust = trustFunction(config.EPOCH_WEB_TRUST_PROXY);
  // dist/server.js -> apps/web
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..');
  const app = next({ dev: false, dir, port: config.EPOCH_WEB_PORT, hostname: config.EPOCH_WEB_HOST });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    const client = clientAddress(req, trust);
    if (client) req.headers['x-forwarded-for'] = client;
    else delete req.headers['x-forwarded-for'];
    handle(req, res).catch((e: unknown) => {
      process.stderr.write(`web: request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  server.listen(config.EPOCH_WEB_PORT, config.EPOCH_WEB_HOST, () => {
    process.stdout.write(`web: listening on ${config.EPOCH_WEB_HOST ?? '*'}:${config.EPOCH_WEB_PORT}\n`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`web: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
