import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { projectRoot } from '../paths.ts';

const root = `${projectRoot}/`;

/** The content version of the built embed (`call-power.<version>.js`), or undefined before a build. */
function widgetVersion(): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(`${root}dist/call-power.js`)).digest('hex').slice(0, 12);
  } catch {
    return undefined;
  }
}

/** A phone handset: pages and the dashboard link it, and browsers that ask for /favicon.ico get it too. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#1f5f8b"/><path fill="#fff" d="M7.6 5.5c.4-.4 1-.4 1.4 0l1.7 2c.3.4.3 1-.1 1.4l-1 1c.8 1.7 2.1 3 3.8 3.8l1-1c.4-.4 1-.4 1.4-.1l2 1.7c.4.4.4 1 0 1.4l-1.2 1.3c-.6.6-1.5.8-2.3.5-3.8-1.4-6.8-4.4-8.2-8.2-.3-.8-.1-1.7.5-2.3z"/></svg>`;

/**
 * Serves a built bundle, brotli or gzip as the browser accepts (written by scripts/precompress.mjs);
 * `Vary` is set either way, so a shared cache never hands a compressed body to a client that cannot read it.
 */
function bundle(path: string): MiddlewareHandler {
  const serve = serveStatic({ root, path, precompressed: true });
  return async function bundle(c, next) {
    const response = await serve(c, next);
    if (response && !response.headers.has('Vary')) response.headers.set('Vary', 'Accept-Encoding');
    return response;
  };
}

/**
 * The embed: `/call-power.js` is the stable URL campaigns paste (cached 5 minutes, so a new release
 * reaches pages quickly); `/call-power.<version>.js` is the same file under its content hash, cached
 * for a year as immutable, for pages that pin a release. Both are fetched cross-origin (module scripts
 * use CORS). `widgetUrl` is the versioned path (/health reports it).
 */
export function assetRoutes(): { routes: Hono; widgetUrl?: string } {
  const version = widgetVersion();
  const embed = (cacheControl: string): MiddlewareHandler =>
    async function embedHeaders(c, next) {
      c.header('Access-Control-Allow-Origin', '*');
      c.header('Cache-Control', cacheControl);
      await next();
    };
  const routes = new Hono()
    .get('/call-power.js', embed('public, max-age=300'), bundle('dist/call-power.js'))
    .get('/favicon.svg', (c) => c.body(FAVICON, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }))
    .get('/favicon.ico', (c) => c.body(FAVICON, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }));
  if (version) routes.get(`/call-power.${version}.js`, embed('public, max-age=31536000, immutable'), bundle('dist/call-power.js'));
  return { routes, widgetUrl: version && `/call-power.${version}.js` };
}

/** The dashboard's bundle, precompressed like the embed. */
export const dashboardBundle = () => bundle('dist/admin.js');
