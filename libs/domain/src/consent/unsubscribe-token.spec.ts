import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.js';

const secret = randomBytes(32);
const anna = '0b9f1c2e-6a4d-4f1e-9c3b-2d7e8f901a23';
const bert = '5d2e3f40-1b2c-4d3e-8f90-a1b2c3d4e5f6';

/** The token with one character of the given part replaced by another valid one. */
function tamper(token: string, part: 1 | 2): string {
  const parts = token.split('.');
  const text = parts[part]!;
  const index = Math.floor(text.length / 2);
  parts[part] = text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
  return parts.join('.');
}

describe('unsubscribe tokens', () => {
  it('give back the contact they were signed for, in a URL-safe form', () => {
    const token = signUnsubscribeToken(secret, anna);
    expect(token).toMatch(/^u1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(verifyUnsubscribeToken(secret, token)).toBe(anna);
    expect(verifyUnsubscribeToken(secret, signUnsubscribeToken(secret, anna.toUpperCase()))).toBe(anna);
  });

  it('differ per contact, and one contact is the same link in every mail', () => {
    expect(signUnsubscribeToken(secret, anna)).not.toBe(signUnsubscribeToken(secret, bert));
    expect(signUnsubscribeToken(secret, anna)).toBe(signUnsubscribeToken(secret, anna));
  });

  it('refuse a token whose contact or mac was changed', () => {
    const token = signUnsubscribeToken(secret, anna);
    expect(verifyUnsubscribeToken(secret, tamper(token, 1))).toBeUndefined();
    expect(verifyUnsubscribeToken(secret, tamper(token, 2))).toBeUndefined();
  });

  it("refuse one contact's id with another contact's mac", () => {
    const [, bertId] = signUnsubscribeToken(secret, bert).split('.');
    const [, , annaMac] = signUnsubscribeToken(secret, anna).split('.');
    expect(verifyUnsubscribeToken(secret, `u1.${bertId}.${annaMac}`)).toBeUndefined();
  });

  it('refuse a token signed with another secret', () => {
    expect(verifyUnsubscribeToken(secret, signUnsubscribeToken(randomBytes(32), anna))).toBeUndefined();
  });

  it('refuse malformed text without throwing', () => {
    const token = signUnsubscribeToken(secret, anna);
    for (const bad of [
      '',
      'u1',
      token.slice(0, -1),
      `${token}A`,
      token.replace(/^u1/, 'u2'),
      token.replace(/\./g, '_'),
      `${token}\n`,
      'u1.!!!!!!!!!!!!!!!!!!!!!!.' + 'A'.repeat(43),
    ]) {
      expect(verifyUnsubscribeToken(secret, bad)).toBeUndefined();
    }
  });

  it('refuse a non-canonical spelling of a valid token', () => {
    const token = signUnsubscribeToken(secret, anna);
    const [, id, mac] = token.split('.');
    // 16 bytes leave 4 unused bits in the last base64url character; flipping them decodes to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(id!.at(-1)!);
    const respelled = id!.slice(0, -1) + alphabet[last ^ 1];
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(id!, 'base64url'));
    expect(verifyUnsubscribeToken(secret, `u1.${respelled}.${mac}`)).toBeUndefined();
  });

  it('are only signed for UUIDs', () => {
    expect(() => signUnsubscribeToken(secret, 'not-a-uuid')).toThrow(/not a UUID/);
  });
});
