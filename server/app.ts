import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { congressFreshness } from './congress/freshness.ts';
import type { AppDeps } from './deps.ts';
import { errorBody, handleError } from './errors.ts';
import { clientAddress } from './limits/client-ip.ts';
import { adminAuth, sameSecret } from './middleware/admin-auth.ts';
import { allowedOrigins } from './middleware/allowed-origins.ts';
import { limitBody } from './middleware/body-limit.ts';
import { noSniff } from './middleware/no-sniff.ts';
import { observe } from './middleware/observe.ts';
import { publicCors } from './middleware/public-cors.ts';
import type { Emulator } from './emulator/index.ts';
import { adminRoutes } from './routes/admin.ts';
import { assetRoutes, dashboardBundle } from './routes/assets.ts';
import { blockRoutes } from './routes/blocks.ts';
import { callRoutes } from './routes/calls.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { customTargetRoutes } from './routes/custom-targets.ts';
import { demoRoutes } from './routes/demo.ts';
import { orgTwilioRoutes } from './routes/org-twilio.ts';
import { orgRoutes } from './routes/orgs.ts';
import { sessionRoutes } from './routes/session.ts';
import { twimlRoutes } from './routes/twiml.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { projectRoot } from './paths.ts';
import { notReadyBecause } from './store/readiness.ts';

const root = `${projectRoot}/`;

export interface AppOptions {
  /** Demo mode: the Twilio-compatible REST API, mounted at the root, and the demo page's feeds. */
  emulator?: Emulator;
}

export function createApp(deps: AppDeps, { emulator }: AppOptions = {}): Hono {
  const { config, store, log, metrics } = deps;
  const app = new Hono();
  const assets = assetRoutes();
  app.onError((err, c) => handleError(err, c, log));
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.use(requestId(), observe({ metrics, accessLog: config.logFormat === 'json' ? log : undefined }), noSniff());

  const cors = publicCors({ origins: config.allowedOrigins });
  app.use('/api/*', clientAddress({ trustedProxyHeader: config.trustedProxyHeader, log }));
  app.use('/api/campaigns/*', cors, allowedOrigins({ origins: config.allowedOrigins }), limitBody(16 * 1024));
  app.use('/api/calls/*', cors, allowedOrigins({ origins: config.allowedOrigins }), limitBody(4 * 1024));
  app.use('/api/admin/*', adminAuth({ token: config.adminToken, db: store.db, log }), limitBody(1024 * 1024), compress());
  app.use('/twiml/*', limitBody(64 * 1024));

  app.get('/health', (c) =>
    c.json({
      ok: true,
      store: store.kind,
      telephony: config.demo ? 'emulator' : 'twilio',
      congress: congressFreshness(deps.congress, config.congressDataMaxAgeDays),
      ...(assets.widgetUrl ? { widget: assets.widgetUrl } : {}),
    }),
  );
  // Readiness, apart from liveness (/health): whether a load balancer should send this process requests.
  app.get('/health/ready', async (c) => {
    const reason = await notReadyBecause(store, deps.stopping);
    return reason ? c.json({ ready: false, reason }, 503) : c.json({ ready: true });
  });
  if (config.metricsToken) {
    const token = config.metricsToken;
    app.get('/metrics', async (c) => {
      const [scheme, secret] = (c.req.header('authorization') ?? '').split(' ');
      if (scheme !== 'Bearer' || !sameSecret(secret ?? '', token)) {
        return c.json(errorBody('unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN>.'), 401, { 'WWW-Authenticate': 'Bearer' });
      }
      return c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
    });
  }
  app.route('/api/campaigns', campaignRoutes(deps));
  app.route('/api/calls', callRoutes(deps));
  app.route('/api/admin', sessionRoutes(deps));
  app.route('/api/admin', orgRoutes(deps));
  app.route('/api/admin', adminRoutes(deps));
  app.route('/api/admin', customTargetRoutes(deps));
  app.route('/api/admin', blockRoutes(deps));
  app.route('/api/admin', webhookRoutes(deps));
  app.route('/api/admin', orgTwilioRoutes(deps));
  app.route('/twiml', twimlRoutes(deps));
  if (emulator) {
    app.route('/', emulator.app);
    app.route('/demo', demoRoutes(deps, emulator));
  }

  app.route('/', assets.routes);
  mountDashboard(app, config.demo);
  if (config.demo) app.use('/*', compress(), serveStatic({ root: `${root}examples` }));
  return app;
}

/** The organisers' dashboard: static files only (it calls the admin API with the token the user types). */
function mountDashboard(app: Hono, demo: boolean): void {
  app.use(
    '/admin/*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
    }),
    async function noStore(c, next) {
      await next();
      c.header('Cache-Control', 'no-cache');
    },
    compress(),
  );
  const page = serveStatic({ root, path: 'admin/index.html' });
  app.get('/admin', page);
  app.get('/admin/', page);
  app.get('/admin/admin.css', serveStatic({ root, path: 'admin/admin.css' }));
  app.get('/admin/admin.js', dashboardBundle());
  // A live server does not publish its source; in demo it helps whoever is reading the code.
  if (demo) app.get('/admin/admin.js.map', serveStatic({ root, path: 'dist/admin.js.map' }));
}
