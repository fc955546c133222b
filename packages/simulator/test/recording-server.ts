import net from 'node:net';
import { gzipSync } from 'node:zlib';

/** One request exactly as it arrived on the socket. */
export interface RecordedRequest {
  /** The raw bytes: request line, headers and body. */
  raw: Buffer;
  method: string;
  path: string;
  /** Header lines in wire order, names as sent. */
  headers: [string, string][];
  body: string;
  /** Index of the TCP connection it arrived on (0-based), to observe keep-alive. */
  connection: number;
  header(name: string): string | undefined;
}

export type Reply =
  | { status: number; headers?: [string, string][]; body?: string | object; gzip?: boolean }
  | { destroy: true };

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

/** A tiny HTTP/1.1 server on 127.0.0.1 that records raw request bytes and replies as told. */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  private readonly sockets = new Set<net.Socket>();
  private connections = 0;

  private constructor(
    private readonly server: net.Server,
    public handler: Handler,
  ) {}

  static async start(handler: Handler = () => ({ status: 404 })): Promise<RecordingServer> {
    const server = net.createServer();
    const recording = new RecordingServer(server, handler);
    server.on('connection', (socket) => recording.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return recording;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The base URL a device is provisioned with (no trailing slash, like a typical config). */
  url(basePath = '/mdm'): string {
    return `http://127.0.0.1:${this.port}${basePath}`;
  }

  requestsTo(pathSuffix: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path.endsWith(pathSuffix));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const connection = this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const headEnd = buffer.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const head = buffer.subarray(0, headEnd).toString('latin1');
        const lengthMatch = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        const total = headEnd + 4 + (lengthMatch ? Number(lengthMatch[1]) : 0);
        if (buffer.length < total) return;
        const raw = Buffer.from(buffer.subarray(0, total));
        buffer = buffer.subarray(total);
        const request = parse(raw, headEnd, connection);
        this.requests.push(request);
        chain = chain.then(() => this.respond(socket, request));
      }
    });
  }

  private async respond(socket: net.Socket, request: RecordedRequest): Promise<void> {
    const reply = await this.handler(request);
    if ('destroy' in reply) {
      socket.destroy();
      return;
    }
    let body = Buffer.from(
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body),
      'utf8',
    );
    const headers: [string, string][] = [...(reply.headers ?? [])];
    if (reply.body !== undefined && !headers.some(([name]) => name.toLowerCase() === 'content-type')) {
      headers.push(['Content-Type', 'application/json; charset=utf-8']);
    }
    if (reply.gzip) {
      body = gzipSync(body);
      headers.push(['Content-Encoding', 'gzip']);
    }
    headers.push(['Content-Length', String(body.length)]);
    const head = [`HTTP/1.1 ${reply.status} X`, ...headers.map(([name, value]) => `${name}: ${value}`)].join(
      '\r\n',
    );
    if (!socket.destroyed) socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]));
  }
}

function parse(raw: Buffer, headEnd: number, connection: number): RecordedRequest {
  const lines = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const [method = '', path = ''] = (lines[0] ?? '').split(' ');
  const headers = lines.slice(1).map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  return {
    raw,
    method,
    path,
    headers,
    body: raw.subarray(headEnd + 4).toString('utf8'),
    connection,
    header: (name) => headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1],
  };
}

/** A protocol-v2 success envelope. */
export function ok(data?: unknown): Reply {
  return {
    status: 200,
    body: data === undefined ? { ok: true, action: 'none' } : { ok: true, action: 'none', data },
  };
}

/** A protocol-v2 failure envelope, at HTTP 200 as the reference server sends it. */
export function fail(action: string, message?: string): Reply {
  return {
    status: 200,
    body: message === undefined ? { ok: false, action } : { ok: false, action, message },
  };
}

/** The header lines OkHttp's bridge appends to every agent request, as `Name: value`. */
export function bridgeLines(port: number): string[] {
  return [
    `Host: 127.0.0.1:${port}`,
    'Connection: Keep-Alive',
    'Accept-Encoding: gzip',
    'User-Agent: okhttp/4.12.0',
  ];
}
