import { describe, expect, it } from '@jest/globals';
import { isHttpsUrl } from './safe-url.js';

describe('isHttpsUrl (the unsubscribe link check)', () => {
  it('accepts https URLs', () => {
    expect(isHttpsUrl('https://crm.example.com/u/u1.abc.def')).toBe(true);
    expect(isHttpsUrl('HTTPS://crm.example.com/u/x')).toBe(true);
  });

  it("accepts plain http only on this machine's own address, where a local install answers", () => {
    expect(isHttpsUrl('http://localhost:3000/u/x')).toBe(true);
    expect(isHttpsUrl('http://127.0.0.1:3000/u/x')).toBe(true);
    expect(isHttpsUrl('http://[::1]:3000/u/x')).toBe(true);
    expect(isHttpsUrl('http://crm.example.com/u/x')).toBe(false);
    expect(isHttpsUrl('http://localhost.example.com/u/x')).toBe(false);
    expect(isHttpsUrl('http://localhost@evil.example/u/x')).toBe(false);
    expect(isHttpsUrl('http://127.0.0.2/u/x')).toBe(false);
  });

  it('refuses other schemes, unparsable text and characters that would break the header', () => {
    expect(isHttpsUrl('ftp://localhost/u')).toBe(false);
    expect(isHttpsUrl('mailto:unsubscribe@example.com')).toBe(false);
    expect(isHttpsUrl('https://')).toBe(false);
    expect(isHttpsUrl('https://crm.example.com/u/a>b')).toBe(false);
    expect(isHttpsUrl('http://localhost/u/a b')).toBe(false);
  });
});
