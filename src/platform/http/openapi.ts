import { swagger } from '@elysiajs/swagger';
import { swaggerUi } from './swagger-ui';

/**
 * OpenAPI for one module at `/swagger/json` (generated from the routes' `t` schemas) and a local
 * Swagger UI at `/swagger`. The plugin's own page, which pulls its scripts from a CDN, is parked
 * on a hidden path; ours replaces it.
 */
export function openApi(title: string, description: string, securitySchemes?: Record<string, { type: 'http'; scheme: string; description?: string }>) {
  return swagger({
    path: '/swagger/cdn',
    specPath: '/swagger/json',
    documentation: { info: { title, description, version: '1.0.0' }, ...(securitySchemes ? { components: { securitySchemes } } : {}) },
    exclude: [/^\/swagger/],
  }).use(swaggerUi(title));
}
