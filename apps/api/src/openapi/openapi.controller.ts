import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/auth-context';
import { openApiDocument } from './openapi-document';

/** The page loads Swagger UI from this server (no CDN); the initializer is a file, so the CSP needs no inline script. */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Epoch API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', withCredentials: true });`;

@Public()
@Controller('api')
export class OpenApiController {
  private doc: Record<string, unknown> | undefined;

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    this.doc ??= openApiDocument();
    return this.doc;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('docs/init.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  init(): string {
    return INIT;
  }
}
