import { randomUUID } from 'node:crypto';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';

/**
 * A minimal SMTP client (RFC 5321): EHLO, STARTTLS when offered, AUTH PLAIN or LOGIN, MAIL
 * FROM, RCPT TO, DATA with dot-stuffing, QUIT. One message per connection: notification
 * e-mail is rare and sent from a job, so a pool would buy nothing.
 */
export interface SmtpSettings {
  host: string;
  port: number;
  /** smtps://: TLS from the first byte. smtp://: upgraded with STARTTLS when offered. */
  secure: boolean;
  username?: string | undefined;
  password?: string | undefined;
}

export interface MailMessage {
  /** `noreply@example.com` or `Mydrop <noreply@example.com>`. */
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface SendOptions {
  timeoutMs?: number;
  /** Extra TLS options (tests pass their own certificate authority). */
  tls?: ConnectionOptions;
  /** The name this host gives in EHLO. */
  clientName?: string;
  /** The message's Date header, from the caller's clock. */
  date: Date;
}

export class SmtpError extends Error {
  constructor(
    message: string,
    readonly replyCode?: number,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

interface Reply {
  code: number;
  lines: string[];
}

/** The bare address inside `Name <address>`, or the value itself. */
export function mailAddressOf(mailbox: string): string {
  const inside = /<([^<>]+)>\s*$/.exec(mailbox);
  const address = (inside?.[1] ?? mailbox).trim();
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address)) {
    throw new SmtpError(`not an e-mail address: ${JSON.stringify(mailbox)}`);
  }
  return address;
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/** A header value on one line; non-ASCII text as RFC 2047 encoded words of at most 75 characters. */
export function encodeHeaderValue(value: string): string {
  const oneLine = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(oneLine)) return oneLine;
  const words: string[] = [];
  let chunk = '';
  for (const character of oneLine) {
    if (Buffer.byteLength(chunk + character) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  if (chunk) words.push(chunk);
  return words
    .map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`)
    .join('\r\n ');
}

function rfc5322Date(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * The message as sent after DATA, before dot-stuffing. Plain ASCII text goes as it is (7bit);
 * anything else as base64, which any server accepts without 8BITMIME.
 */
export function formatMessage(message: MailMessage, date: Date): string {
  const domain = mailAddressOf(message.from).split('@')[1];
  const lines = message.text.replace(/\r\n?/g, '\n').split('\n');
  const plain =
    /^[\t\x20-\x7e\n]*$/.test(lines.join('\n')) && lines.every((line) => line.length <= 998);
  const body = plain
    ? lines.join('\r\n')
    : (Buffer.from(lines.join('\r\n'), 'utf8')
        .toString('base64')
        .match(/.{1,76}/g)
        ?.join('\r\n') ?? '');
  const headers = [
    `From: ${encodeHeaderValue(message.from)}`,
    `To: ${encodeHeaderValue(message.to)}`,
    `Subject: ${encodeHeaderValue(message.subject)}`,
    `Date: ${rfc5322Date(date)}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${plain ? '7bit' : 'base64'}`,
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

/** A line starting with "." gets another, so the server never reads it as the end of DATA. */
export function dotStuff(data: string): string {
  return data.replace(/(^|\r\n)\./g, '$1..');
}

/** Reads SMTP replies (`250-first`, `250 last`) off a socket, one at a time, in order. */
class ReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private readonly replies: Reply[] = [];
  private readonly waiting: Array<{ resolve(reply: Reply): void; reject(error: Error): void }> = [];
  private failure: Error | undefined;

  attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => this.push(data));
  }

  fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  next(): Promise<Reply> {
    const reply = this.replies.shift();
    if (reply) return Promise.resolve(reply);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private push(data: string): void {
    this.buffer += data;
    let end = this.buffer.indexOf('\r\n');
    while (end >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.lines.push(line.slice(4));
      if (!/^\d{3}-/.test(line)) {
        const reply = { code: Number.parseInt(line.slice(0, 3), 10), lines: this.lines };
        this.lines = [];
        const waiter = this.waiting.shift();
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      }
      end = this.buffer.indexOf('\r\n');
    }
  }
}

function open(
  settings: SmtpSettings,
  options: Pick<SendOptions, 'tls'>,
): Promise<Socket | TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = settings.secure
      ? tlsConnect({
          host: settings.host,
          port: settings.port,
          servername: settings.host,
          ...options.tls,
        })
      : tcpConnect({ host: settings.host, port: settings.port });
    socket.once(settings.secure ? 'secureConnect' : 'connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function upgrade(
  socket: Socket,
  host: string,
  options: Pick<SendOptions, 'tls'>,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secured = tlsConnect({ socket, servername: host, ...options.tls });
    secured.once('secureConnect', () => resolve(secured));
    secured.once('error', reject);
  });
}

/** Sends one message; resolves once the server accepted it for delivery. */
export async function sendMail(
  settings: SmtpSettings,
  message: MailMessage,
  options: SendOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const from = mailAddressOf(message.from);
  const to = mailAddressOf(message.to);
  let socket: Socket | TLSSocket = await open(settings, options);
  let encrypted = settings.secure;
  let reader = new ReplyReader();

  const watch = (current: Socket | TLSSocket, currentReader: ReplyReader) => {
    currentReader.attach(current);
    current.setTimeout(timeoutMs, () =>
      current.destroy(new SmtpError(`the SMTP server did not answer within ${timeoutMs} ms`)),
    );
    current.on('error', (error) => currentReader.fail(error));
    current.on('close', () =>
      currentReader.fail(new SmtpError('the SMTP server closed the connection')),
    );
  };
  watch(socket, reader);

  const expect = async (codes: number[], step: string): Promise<Reply> => {
    const reply = await reader.next();
    if (!codes.includes(reply.code)) {
      throw new SmtpError(
        `${step}: the SMTP server answered ${reply.code} ${reply.lines.join(' ')}`,
        reply.code,
      );
    }
    return reply;
  };
  const send = (line: string, codes: number[], step = line.split(' ')[0] ?? line) => {
    socket.write(`${line}\r\n`);
    return expect(codes, step);
  };
  const hello = async () => {
    const reply = await send(`EHLO ${options.clientName ?? 'mydrop.localhost'}`, [250]);
    return reply.lines.slice(1).map((line) => line.toUpperCase());
  };

  try {
    await expect([220], 'greeting');
    let extensions = await hello();
    if (!encrypted && extensions.includes('STARTTLS')) {
      await send('STARTTLS', [220]);
      socket.removeAllListeners('data');
      socket.setTimeout(0);
      socket = await upgrade(socket as Socket, settings.host, options);
      encrypted = true;
      reader = new ReplyReader();
      watch(socket, reader);
      extensions = await hello();
    }
    if (settings.username !== undefined) {
      if (!encrypted && !isLoopback(settings.host)) {
        throw new SmtpError(
          'the SMTP server offers no TLS; refusing to send the password in clear text',
        );
      }
      const mechanisms = extensions.find((line) => line.startsWith('AUTH'))?.split(/\s+/) ?? [];
      const username = settings.username;
      const password = settings.password ?? '';
      if (mechanisms.includes('PLAIN')) {
        const token = Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64');
        await send(`AUTH PLAIN ${token}`, [235], 'AUTH');
      } else if (mechanisms.includes('LOGIN')) {
        await send('AUTH LOGIN', [334], 'AUTH');
        await send(Buffer.from(username).toString('base64'), [334], 'AUTH');
        await send(Buffer.from(password).toString('base64'), [235], 'AUTH');
      } else {
        throw new SmtpError('the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN');
      }
    }
    await send(`MAIL FROM:<${from}>`, [250], 'MAIL FROM');
    await send(`RCPT TO:<${to}>`, [250, 251], 'RCPT TO');
    await send('DATA', [354]);
    socket.write(`${dotStuff(formatMessage(message, options.date))}\r\n.\r\n`);
    await expect([250], 'end of DATA');
    await send('QUIT', [221]).catch(() => undefined);
  } finally {
    socket.destroy();
  }
}
