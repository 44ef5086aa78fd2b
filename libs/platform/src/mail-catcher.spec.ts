import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nodemailer from 'nodemailer';
import { MailCatcher } from './mail-catcher.js';

describe('MailCatcher', () => {
  const catcher = new MailCatcher();

  beforeAll(async () => {
    await catcher.listen(0);
  });

  afterAll(async () => {
    await catcher.close();
  });

  it('survives a client that drops its connection mid-message, and keeps accepting mail', async () => {
    const socket = net.connect(catcher.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('data', resolve));
    socket.write(
      'EHLO test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: half',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 100));

    const transport = nodemailer.createTransport({ url: catcher.url } as never);
    await transport.sendMail({
      from: 'a@example.com',
      to: 'c@example.com',
      subject: 'after the drop',
      text: 'hi',
    });
    expect(catcher.list().map((mail) => mail.subject)).toEqual(['after the drop']);
  });
});
