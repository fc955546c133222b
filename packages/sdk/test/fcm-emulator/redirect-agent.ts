import { Agent } from 'node:https';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * An `https.Agent` that hands every request, whatever host it names, a plain TCP socket to 127.0.0.1:`port`.
 *
 * Node's `https.request` and node-fetch write HTTP/1.1 onto whatever socket the agent returns, so the request
 * reaches a plain `node:http` server with its path and `Host` header intact (`fcm.googleapis.com`,
 * `oauth2.googleapis.com`). No TLS and no test certificate are involved: TLS would only prove that node can
 * do TLS, not anything about the adapter.
 */
export class RedirectAgent extends Agent {
  readonly #port: number;

  constructor(port: number) {
    // No keep-alive: sockets close after each response, so nothing outlives a test.
    super({ keepAlive: false });
    this.#port = port;
  }

  override createConnection(): Duplex {
    return connect(this.#port, '127.0.0.1');
  }
}
