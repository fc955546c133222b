/**
 * A lean HTTP/1.1 load generator for the benches: each connection is a raw keep-alive socket that sends one
 * pre-encoded request, reads one response (status line, `content-length`, body) and sends the next. It costs
 * the machine far less CPU per request than `node:http`'s client, so more of the two shared cores go to the
 * server under test.
 */
import { connect, type Socket } from 'node:net';

export interface LoadResult {
  latenciesMs: number[];
  errors: number;
  seconds: number;
}

export interface LoadOptions {
  port: number;
  connections: number;
  requestsPerConnection: number;
  /** The encoded request (head and body) connection `c` sends as its `i`th. */
  request(connection: number, i: number): Buffer;
  /** Whether a 200 response body still means failure (a v2 refusal envelope, say). */
  failed?(body: Buffer): boolean;
}

export function encodeRequest(path: string, headers: Record<string, string>, body: Buffer): Buffer {
  const head = [`POST ${path} HTTP/1.1`, 'host: 127.0.0.1', `content-length: ${body.length}`];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: options.connections }, async (_, c) => {
      const socket = await open(options.port);
      const responses = new ResponseReader(socket);
      try {
        for (let i = 0; i < options.requestsPerConnection; i++) {
          const t0 = process.hrtime.bigint();
          socket.write(options.request(c, i));
          const { status, body } = await responses.next();
          latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (status !== 200 || options.failed?.(body)) errors++;
        }
      } finally {
        socket.destroy();
      }
    }),
  );
  return { latenciesMs, errors, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Reads keep-alive responses framed by `content-length` off one socket, in order. */
class ResponseReader {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve(r: { status: number; body: Buffer }): void; reject(e: Error): void } | null =
    null;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      this.deliver();
    });
    socket.on('close', () => this.waiting?.reject(new Error('connection closed before the response')));
    socket.on('error', (error) => this.waiting?.reject(error));
  }

  next(): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.waiting) return;
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffered.toString('latin1', 0, end);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      this.waiting.reject(new Error(`response without content-length: ${head.split('\r\n')[0]}`));
      this.waiting = null;
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.buffered.length < total) return;
    const status = Number(head.slice(9, 12));
    const body = this.buffered.subarray(end + 4, total);
    this.buffered = this.buffered.subarray(total);
    const { resolve } = this.waiting;
    this.waiting = null;
    resolve({ status, body });
  }
}
