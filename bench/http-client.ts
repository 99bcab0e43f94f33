import { connect, type Socket } from 'node:net';

export interface HttpAnswer {
  status: number;
  body: string;
}

const headEnd = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection, one request at a time, on a raw socket. node:http's
 * client costs more per request than the servers under test, so it would measure itself;
 * this parses only what the benchmark needs (status, Content-Length, body).
 */
export class HttpConnection {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private buffer: Buffer | null = null;
  private waiting: {
    resolve: (answer: HttpAnswer) => void;
    reject: (error: Error) => void;
  } | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async request(
    method: string,
    path: string,
    body: string | null,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer> {
    const socket = this.socket ?? (await this.open());
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    if (body !== null) {
      head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
    }
    const answer = new Promise<HttpAnswer>((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
    socket.write(`${head}\r\n${body ?? ''}`);
    return answer;
  }

  /** Opens the connection ahead of time, so the measured requests do not pay for it. */
  async connect(): Promise<void> {
    if (!this.socket) await this.open();
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private open(): Promise<Socket> {
    this.connecting ??= new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      socket.once('connect', () => {
        this.socket = socket;
        this.connecting = null;
        resolve(socket);
      });
      socket.on('data', (chunk: Buffer) => this.receive(chunk));
      socket.on('error', (error) => {
        this.connecting = null;
        this.fail(error);
        reject(error);
      });
      // The server may close an idle keep-alive connection; the next request reconnects.
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null;
        this.fail(new Error('connection closed before the answer'));
      });
    });
    return this.connecting;
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = null;
    this.buffer = null;
    waiting?.reject(error);
  }

  private receive(chunk: Buffer): void {
    const buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    this.buffer = buffer;
    const end = buffer.indexOf(headEnd);
    if (end < 0) return;
    const head = buffer.toString('latin1', 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.fail(new Error(`answer without Content-Length: ${head.split('\r\n')[0]}`));
      this.close();
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (buffer.length < total) return;
    const answer = {
      status: Number(head.slice(9, 12)),
      body: buffer.toString('utf8', end + 4, total),
    };
    this.buffer = buffer.length > total ? buffer.subarray(total) : null;
    if (/\r\nconnection: *close/i.test(head)) {
      this.socket?.end();
      this.socket = null;
    }
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve(answer);
  }
}
