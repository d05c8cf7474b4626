/**
 * Registers `GET /healthz` and `GET /metrics` on the bot's shared HTTP server (src/http/server.ts),
 * so the server listens (on `HTTP_HOST`, 127.0.0.1 by default) whenever they are on.
 */
import type { HttpRoutes } from '../bot/platform.ts';
import type { HealthCheck } from './health.ts';
import type { BotMetrics } from './metrics.ts';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.ts';
import type { Logger } from '../logger.ts';

/** Serves readiness and metrics. A failed scrape answers 500 and logs why. */
export function registerOpsRoutes(http: HttpRoutes, health: HealthCheck, metrics: BotMetrics, logger: Logger): void {
  http.route('GET', '/healthz', async (_req, res) => {
    const report = await health.check();
    res.statusCode = report.status === 'ok' ? 200 : 503;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(JSON.stringify(report));
  });
  http.route('GET', '/metrics', async (_req, res) => {
    let body: string;
    try {
      metrics.recordHealth(await health.check());
      body = await metrics.registry.render();
    } catch (err) {
      logger.warn({ err }, 'metrics scrape failed');
      res.statusCode = 500;
      res.end();
      return;
    }
    res.setHeader('Content-Type', PROMETHEUS_CONTENT_TYPE);
    res.end(body);
  });
}
