import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Unsubscribe tokens are stateless: `u1.<contact id>.<mac>`, the contact id as its
 * 16 UUID bytes and the mac an HMAC-SHA256 over purpose, version and contact id,
 * both base64url. Nothing is stored per link, so every API replica can check a
 * link any worker signed, and a link keeps working as long as the secret does.
 * The purpose string keeps a mac made for another kind of link from passing here.
 */
const VERSION = 'u1';
const TOKEN = /^u1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function mac(secret: Buffer, contactId: string): Buffer {
  return createHmac('sha256', secret).update(`unsubscribe:${VERSION}:${contactId}`, 'utf8').digest();
}

/** Decodes base64url only in its canonical spelling, so one token has exactly one text. */
function canonicalBytes(text: string, length: number): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.length === length && bytes.toString('base64url') === text ? bytes : undefined;
}

export function signUnsubscribeToken(secret: Buffer, contactId: string): string {
  const id = contactId.toLowerCase();
  if (!UUID.test(id)) throw new Error(`contact id "${contactId}" is not a UUID`);
  const idBytes = Buffer.from(id.replaceAll('-', ''), 'hex');
  return `${VERSION}.${idBytes.toString('base64url')}.${mac(secret, id).toString('base64url')}`;
}

/** The contact id a token was signed for, or undefined for anything else. Never throws. */
export function verifyUnsubscribeToken(secret: Buffer, token: string): string | undefined {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const idBytes = canonicalBytes(match[1]!, 16);
  const presented = canonicalBytes(match[2]!, 32);
  if (!idBytes || !presented) return undefined;
  const hex = idBytes.toString('hex');
  const contactId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return timingSafeEqual(presented, mac(secret, contactId)) ? contactId : undefined;
}
