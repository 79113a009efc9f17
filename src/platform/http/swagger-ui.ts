import { Elysia } from 'elysia';
// Imported as files so a compiled binary embeds them: the UI must work with no internet.
import bundlePath from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'file' };
import cssPath from 'swagger-ui-dist/swagger-ui.css' with { type: 'file' };

const page = (specUrl: string, title: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>${title}</title>
  <link rel="stylesheet" href="/swagger/assets/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/swagger/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#swagger-ui', deepLinking: true });
  </script>
</body>
</html>`;

/** Swagger UI at `/swagger`, its scripts served from the npm package rather than a CDN. */
export function swaggerUi(title: string, specUrl = '/swagger/json') {
  const html = page(specUrl, title);
  return new Elysia({ name: `swagger-ui:${title}` })
    .get('/swagger', () => new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } }), {
      detail: { hide: true },
    })
    .get('/swagger/assets/swagger-ui-bundle.js', () => new Response(Bun.file(bundlePath), {
      headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' },
    }), { detail: { hide: true } })
    .get('/swagger/assets/swagger-ui.css', () => new Response(Bun.file(cssPath), {
      headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=86400' },
    }), { detail: { hide: true } });
}
