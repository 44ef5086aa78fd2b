const HEX = Array.from({ length: 256 }, (_, byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`);

/** Printable ASCII that quoted-printable may leave as it is (RFC 2045 §6.7), without `=`. */
const LITERAL = new Uint8Array(128);
for (let code = 33; code <= 126; code++) LITERAL[code] = code === 61 ? 0 : 1;
LITERAL[32] = 1;
LITERAL[9] = 1;

const MAX_LINE = 76;
// Room for the `=` of a soft line break.
const SOFT_LIMIT = MAX_LINE - 1;

function utf8Escape(codePoint: number): string {
  if (codePoint < 0x80) return HEX[codePoint]!;
  if (codePoint < 0x800) return HEX[0xc0 | (codePoint >> 6)]! + HEX[0x80 | (codePoint & 63)]!;
  if (codePoint < 0x10000) {
    return (
      HEX[0xe0 | (codePoint >> 12)]! + HEX[0x80 | ((codePoint >> 6) & 63)]! + HEX[0x80 | (codePoint & 63)]!
    );
  }
  return (
    HEX[0xf0 | (codePoint >> 18)]! +
    HEX[0x80 | ((codePoint >> 12) & 63)]! +
    HEX[0x80 | ((codePoint >> 6) & 63)]! +
    HEX[0x80 | (codePoint & 63)]!
  );
}

/**
 * Quoted-printable of UTF-8 text with CRLF line ends, lines of at most 76
 * characters. Works on runs of literal characters rather than one character at
 * a time, because mail HTML is mostly ASCII and this runs once per recipient.
 * A line-leading `.` is encoded too, so no transport has to dot-stuff.
 *
 * With `wrap` false no soft line breaks are inserted, and the text is encoded so
 * that it stays valid wherever it is later placed: trailing whitespace and a
 * leading `.` are encoded as if a line ended or began there. Such pieces can be
 * concatenated and wrapped once with wrapQuotedPrintable.
 */
export function encodeQuotedPrintable(text: string, wrap = true): string {
  let out = '';
  let column = 0;
  let index = 0;
  const length = text.length;
  const limit = wrap ? SOFT_LIMIT : Number.POSITIVE_INFINITY;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code < 128 && LITERAL[code] === 1) {
      let end = index + 1;
      while (end < length) {
        const next = text.charCodeAt(end);
        if (next >= 128 || LITERAL[next] !== 1) break;
        end++;
      }
      // Whitespace before a line end or the end of the text must be encoded.
      const atLineEnd = end === length || text.charCodeAt(end) === 10 || text.charCodeAt(end) === 13;
      const last = text.charCodeAt(end - 1);
      const trailingSpace = atLineEnd && (last === 32 || last === 9);
      const literalEnd = trailingSpace ? end - 1 : end;
      while (index < literalEnd) {
        if (column === 0 && text.charCodeAt(index) === 46) {
          out += '=2E';
          column = 3;
          index++;
          continue;
        }
        const room = limit - column;
        if (room <= 0) {
          out += '=\r\n';
          column = 0;
          continue;
        }
        const take = Math.min(room, literalEnd - index);
        out += text.slice(index, index + take);
        column += take;
        index += take;
      }
      if (trailingSpace) {
        if (column + 3 > limit) {
          out += '=\r\n';
          column = 0;
        }
        out += HEX[last]!;
        column += 3;
        index = end;
      }
      continue;
    }
    if (code === 10 || code === 13) {
      out += '\r\n';
      column = 0;
      index += code === 13 && text.charCodeAt(index + 1) === 10 ? 2 : 1;
      continue;
    }
    let codePoint = code;
    let width = 1;
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < length) {
      const low = text.charCodeAt(index + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        codePoint = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        width = 2;
      }
    } else if (code >= 0xd800 && code <= 0xdfff) {
      codePoint = 0xfffd;
    }
    const escaped = utf8Escape(codePoint);
    // Each `=XX` stays whole on a line; the bytes of one character may be split across lines.
    for (let offset = 0; offset < escaped.length; offset += 3) {
      if (column + 3 > limit) {
        out += '=\r\n';
        column = 0;
      }
      out += escaped.slice(offset, offset + 3);
      column += 3;
    }
    index += width;
  }
  return out;
}

/**
 * Inserts the soft line breaks into quoted-printable made of unwrapped pieces:
 * only lines longer than 76 characters are touched, never inside an `=XX`.
 */
export function wrapQuotedPrintable(encoded: string): string {
  let out = '';
  let copied = 0;
  let lineStart = 0;
  const length = encoded.length;
  while (lineStart < length) {
    let lineEnd = encoded.indexOf('\r\n', lineStart);
    if (lineEnd === -1) lineEnd = length;
    if (lineEnd - lineStart > MAX_LINE) {
      out += encoded.slice(copied, lineStart);
      let position = lineStart;
      let used = 0;
      while (lineEnd - position + used > MAX_LINE) {
        let cut = position + SOFT_LIMIT - used;
        if (encoded.charCodeAt(cut - 1) === 61) cut -= 1;
        else if (encoded.charCodeAt(cut - 2) === 61) cut -= 2;
        out += `${encoded.slice(position, cut)}=\r\n`;
        position = cut;
        used = 0;
        if (encoded.charCodeAt(position) === 46) {
          out += '=2E';
          position++;
          used = 3;
        }
      }
      out += encoded.slice(position, lineEnd);
      copied = lineEnd;
    }
    lineStart = lineEnd + 2;
  }
  return copied === 0 ? encoded : out + encoded.slice(copied);
}

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;

function utf8Length(char: string): number {
  const code = char.codePointAt(0)!;
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/**
 * An unstructured header value (Subject) as RFC 2047 encoded words where needed,
 * folded to lines under 78 characters. Line breaks in the value are dropped:
 * a value from data must never start a header of its own.
 */
export function encodeHeaderText(value: string, nameLength: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\r\n\u0000]+/g, ' ');
  if (ASCII_PRINTABLE.test(flat) && !/=\?/.test(flat)) return foldAscii(flat, nameLength);
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const char of flat) {
    const size = utf8Length(char);
    // 39 bytes are 52 base64 characters: with `=?UTF-8?B?`, `?=` and "Subject: " a line
    // stays within the 76 characters RFC 2047 allows for lines with encoded words.
    if (bytes + size > 39) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  if (chunk !== '' || words.length === 0) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
}

function foldAscii(value: string, nameLength: number): string {
  if (value.length + nameLength + 2 <= 78) return value;
  const lines: string[] = [];
  let line = '';
  let limit = 78 - nameLength - 2;
  for (const word of value.split(/(?= )/)) {
    if (line !== '' && line.length + word.length > limit) {
      lines.push(line);
      line = word;
      limit = 78;
    } else {
      line += word;
    }
  }
  lines.push(line);
  return lines.join('\r\n');
}

/** A display name as a quoted string, or as encoded words when it is not ASCII. */
export function encodeDisplayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = name.replace(/[\r\n\u0000]+/g, ' ').trim();
  if (ASCII_PRINTABLE.test(flat) && !/=\?/.test(flat)) return `"${flat.replace(/(["\\])/g, '\\$1')}"`;
  return encodeHeaderText(flat, 0);
}

/** Day and month names are fixed by RFC 5322, never localized. */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatMailDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
