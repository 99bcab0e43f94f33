import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeSmtpServer,
  parseReceivedMail,
  startFakeSmtpServer,
} from '../../../test/support/fake-smtp-server.js';
import { dotStuff, encodeHeaderValue, mailAddressOf, sendMail } from './smtp-client.js';

const date = new Date('2026-03-01T09:00:00Z');
const message = {
  from: 'Mydrop <noreply@mydrop.test>',
  to: 'ana@acme.test',
  subject: 'Approval overdue: Spring drop script',
  text: 'The script is 2 hours past its deadline.\n.hidden line\nOpen it in Mydrop.',
};

/** A self-signed certificate for localhost, or undefined when openssl is missing. */
function selfSignedCertificate(): { key: string; cert: string } | undefined {
  const folder = mkdtempSync(join(tmpdir(), 'mydrop-smtp-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        join(folder, 'key.pem'),
        '-out',
        join(folder, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(folder, 'key.pem'), 'utf8'),
      cert: readFileSync(join(folder, 'cert.pem'), 'utf8'),
    };
  } catch {
    return undefined;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('the SMTP client', () => {
  let server: FakeSmtpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('delivers a message with its subject, recipient and dot-stuffed body', async () => {
    server = await startFakeSmtpServer();
    await sendMail({ host: '127.0.0.1', port: server.port, secure: false }, message, { date });

    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail).toMatchObject({
      from: 'noreply@mydrop.test',
      to: ['ana@acme.test'],
      auth: undefined,
    });
    const { headers, body } = parseReceivedMail(mail?.data ?? '');
    expect(headers).toMatchObject({
      subject: 'Approval overdue: Spring drop script',
      to: 'ana@acme.test',
      from: 'Mydrop <noreply@mydrop.test>',
      date: 'Sun, 01 Mar 2026 09:00:00 +0000',
    });
    expect(body).toBe(
      'The script is 2 hours past its deadline.\r\n.hidden line\r\nOpen it in Mydrop.',
    );
  });

  it('authenticates with the URL’s credentials on a loopback server', async () => {
    server = await startFakeSmtpServer();
    await sendMail(
      {
        host: '127.0.0.1',
        port: server.port,
        secure: false,
        username: 'mailer',
        password: 's3cret',
      },
      message,
      { date },
    );
    expect(server.received[0]?.auth).toBe('mailer:s3cret');
  });

  it('encodes a subject and body outside ASCII', async () => {
    server = await startFakeSmtpServer();
    await sendMail(
      { host: '127.0.0.1', port: server.port, secure: false },
      { ...message, subject: 'Échéance dépassée — crème solaire «été» ☀️', text: 'Voilà: 12 €' },
      { date },
    );
    const { headers, body } = parseReceivedMail(server.received[0]?.data ?? '');
    expect(headers.subject).toBe('Échéance dépassée — crème solaire «été» ☀️');
    expect(body).toBe('Voilà: 12 €');
  });

  it('reports a refusal with the server’s answer', async () => {
    server = await startFakeSmtpServer();
    server.failMailFrom = true;
    await expect(
      sendMail({ host: '127.0.0.1', port: server.port, secure: false }, message, { date }),
    ).rejects.toMatchObject({ replyCode: 451, message: expect.stringContaining('MAIL FROM') });
    expect(server.received).toEqual([]);
  });

  it('gives up on a server that does not answer', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(
        sendMail({ host: '127.0.0.1', port, secure: false }, message, { date, timeoutMs: 200 }),
      ).rejects.toThrow(/did not answer within 200 ms/);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  const certificate = selfSignedCertificate();
  it.skipIf(!certificate)('upgrades to TLS with STARTTLS before authenticating', async () => {
    if (!certificate) return;
    server = await startFakeSmtpServer({ tls: certificate });
    await sendMail(
      { host: 'localhost', port: server.port, secure: false, username: 'mailer', password: 'pw' },
      message,
      { date, tls: { ca: certificate.cert } },
    );
    expect(server.received[0]).toMatchObject({ overTls: true, auth: 'mailer:pw' });
  });

  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((item) => item && item.family === 'IPv4' && !item.internal)?.address;
  it.skipIf(!lanAddress)(
    'refuses to send a password in clear text to a remote server without TLS',
    async () => {
      server = await startFakeSmtpServer({ host: '0.0.0.0' });
      await expect(
        sendMail(
          {
            host: lanAddress ?? '',
            port: server.port,
            secure: false,
            username: 'u',
            password: 'p',
          },
          message,
          { date },
        ),
      ).rejects.toThrow(/refusing to send the password in clear text/);
      expect(server.received).toEqual([]);
    },
  );
});

describe('message formatting', () => {
  it('doubles a leading dot on every line', () => {
    expect(dotStuff('.a\r\nb\r\n.c\r\n..d')).toBe('..a\r\nb\r\n..c\r\n...d');
  });

  it('keeps header values on one line', () => {
    expect(encodeHeaderValue('Hello\r\nBcc: victim@example.com')).toBe(
      'Hello Bcc: victim@example.com',
    );
  });

  it('finds the address inside a display name, and refuses what is not one', () => {
    expect(mailAddressOf('Mydrop <noreply@mydrop.test>')).toBe('noreply@mydrop.test');
    expect(mailAddressOf('ops@acme.test')).toBe('ops@acme.test');
    expect(() => mailAddressOf('ops@acme.test>\r\nRCPT TO:<x@y')).toThrow(/not an e-mail address/);
  });
});
