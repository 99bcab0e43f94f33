import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContextOptions, TLSSocket } from 'node:tls';

/** A message as the fake server received it, dot-stuffing undone. */
export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
  /** `user:password` from AUTH, when the client authenticated. */
  auth: string | undefined;
  overTls: boolean;
}

export interface FakeSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Answer MAIL FROM with this temporary failure, as a busy server would. */
  failMailFrom: boolean;
  close(): Promise<void>;
}

/**
 * Just enough of an SMTP server (RFC 5321) to see what a client sends: EHLO, optional
 * STARTTLS (given a certificate), AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT.
 */
export async function startFakeSmtpServer(
  options: { tls?: SecureContextOptions; host?: string } = {},
): Promise<FakeSmtpServer> {
  const sockets = new Set<Socket>();
  const state: FakeSmtpServer = {
    port: 0,
    received: [],
    failMailFrom: false,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const serve = (raw: Socket) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    let socket: Socket = raw;
    let overTls = false;
    let buffer = '';
    let inData = false;
    let loginStep: 'user' | 'password' | undefined;
    let loginUser = '';
    let mail: ReceivedMail = { from: '', to: [], data: '', auth: undefined, overTls };
    const reply = (text: string) => socket.write(`${text}\r\n`);

    const onLine = (line: string) => {
      if (loginStep === 'user') {
        loginUser = Buffer.from(line, 'base64').toString();
        loginStep = 'password';
        return reply('334 UGFzc3dvcmQ6');
      }
      if (loginStep === 'password') {
        mail.auth = `${loginUser}:${Buffer.from(line, 'base64').toString()}`;
        loginStep = undefined;
        return reply('235 accepted');
      }
      const [verb = '', ...rest] = line.split(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO':
          return reply(
            [
              '250-fake.test',
              '250-AUTH PLAIN LOGIN',
              ...(options.tls && !overTls ? ['250-STARTTLS'] : []),
              '250 8BITMIME',
            ].join('\r\n'),
          );
        case 'STARTTLS': {
          reply('220 go ahead');
          socket.removeAllListeners('data');
          const secured = new TLSSocket(socket, {
            isServer: true,
            secureContext: createSecureContext(options.tls),
          });
          secured.on('error', () => {});
          socket = secured;
          overTls = true;
          mail.overTls = true;
          secured.setEncoding('utf8');
          secured.on('data', onData);
          return;
        }
        case 'AUTH': {
          if (rest[0]?.toUpperCase() === 'LOGIN') {
            loginStep = 'user';
            return reply('334 VXNlcm5hbWU6');
          }
          const [, user, password] = Buffer.from(rest[1] ?? '', 'base64')
            .toString()
            .split('\0');
          mail.auth = `${user}:${password}`;
          return reply('235 accepted');
        }
        case 'MAIL':
          if (state.failMailFrom) return reply('451 try again later');
          mail.from = /<(.*)>/.exec(line)?.[1] ?? '';
          return reply('250 ok');
        case 'RCPT':
          mail.to.push(/<(.*)>/.exec(line)?.[1] ?? '');
          return reply('250 ok');
        case 'DATA':
          inData = true;
          return reply('354 end with .');
        case 'QUIT':
          reply('221 bye');
          return socket.end();
        default:
          return reply('502 not implemented');
      }
    };

    const onData = (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = buffer.slice(0, end).replace(/(^|\r\n)\.\./g, '$1.');
          buffer = buffer.slice(end + 5);
          inData = false;
          state.received.push(mail);
          mail = { from: '', to: [], data: '', auth: mail.auth, overTls };
          reply('250 queued');
          continue;
        }
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        onLine(line);
      }
    };

    raw.setEncoding('utf8');
    raw.on('data', onData);
    reply('220 fake.test ESMTP');
  };

  const server: Server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const address = server.address();
  state.port = typeof address === 'object' && address ? address.port : 0;
  return state;
}

/** The decoded headers and body of a received message. */
export function parseReceivedMail(data: string): { headers: Record<string, string>; body: string } {
  const split = data.indexOf('\r\n\r\n');
  const headerText = data.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of headerText.split('\r\n')) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).toLowerCase()] = line
      .slice(at + 1)
      .trim()
      .replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/g, (_, encoded: string) =>
        Buffer.from(encoded, 'base64').toString('utf8'),
      );
  }
  const rawBody = data.slice(split + 4);
  const body =
    headers['content-transfer-encoding'] === 'base64'
      ? Buffer.from(rawBody.replace(/\r\n/g, ''), 'base64').toString('utf8')
      : rawBody;
  return { headers, body };
}
