/**
 * The bot's one HTTP server (`PORT`). Adapters register routes while they are built (a platform's
 * webhook); later, health and metrics. It listens only when some route is registered, so a bot
 * without webhooks opens no port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpHandler, HttpRoutes } from '../bot/platform.ts';
import type { Logger } from '../logger.ts';

/** A route table and the node:http server that serves it. */
export class HttpServer implements HttpRoutes {
  private readonly routes = new Map<string, HttpHandler>();
  private server: Server | undefined;

  constructor(private readonly logger?: Logger) {}

  /** Serves `method path` with `handler`; a second handler for the same route is a programming error. */
  route(method: 'GET' | 'POST', path: string, handler: HttpHandler): void {
    const key = `${method} ${path}`;
    if (this.routes.has(key)) throw new Error(`HTTP route ${key} is registered twice`);
    this.routes.set(key, handler);
  }

  /** True when some route was registered (main listens only then). */
  get hasRoutes(): boolean {
    return this.routes.size > 0;
  }

  /** The local port once listening (useful when `port` was 0). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  /** Starts listening on `host:port` (default all interfaces). */
  async listen(port: number, host?: string): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.dispatch(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  /** Stops listening and closes every open connection. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = this.routes.get(`${req.method} ${pathname}`);
    if (!handler) {
      const known = [...this.routes.keys()].some((k) => k.endsWith(` ${pathname}`));
      res.statusCode = known ? 405 : 404;
      req.resume();
      res.end();
      return;
    }
    try {
      await handler(req, res);
    } catch (err) {
      this.logger?.error({ err, path: pathname }, 'HTTP handler failed');
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }
  }
}
