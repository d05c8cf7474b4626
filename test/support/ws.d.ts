// The few types of `ws` (the WebSocket server under the WeCom SDK) the fake WeCom server uses:
// `@types/ws` is not installed, and a new package is not to be added for a test helper.
declare module 'ws' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';

  /** One connection, server side. */
  export interface WebSocket extends EventEmitter {
    send(data: string): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    on(event: 'message', listener: (data: Buffer) => void): this;
    on(event: 'close', listener: () => void): this;
  }

  /** A WebSocket server listening on a host and port. */
  export class WebSocketServer extends EventEmitter {
    constructor(options: { host: string; port: number });
    readonly clients: Set<WebSocket>;
    address(): AddressInfo | string;
    close(callback?: () => void): void;
    on(event: 'connection', listener: (ws: WebSocket) => void): this;
    on(event: 'listening', listener: () => void): this;
    once(event: 'listening', listener: () => void): this;
  }
}
