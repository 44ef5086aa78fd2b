import { createToken, Lexer } from 'chevrotain';
import type { CustomPatternMatcherFunc, TokenType } from 'chevrotain';

// Chevrotain rebuilds regex patterns with the sticky flag and drops the unicode flag,
// so Unicode-aware words need a custom matcher.
const wordPattern = /[\p{L}_][\p{L}\p{M}\p{N}_-]*/uy;
const matchWord: CustomPatternMatcherFunc = (text, offset) => {
  wordPattern.lastIndex = offset;
  return wordPattern.exec(text);
};

/**
 * Possible first characters of a word, so the lexer can keep its first-character
 * optimisation: ASCII letters, '_' and (coarsely) everything beyond ASCII. Chevrotain
 * buckets char codes above 255 in blocks of 255, so one code per block is enough.
 */
function wordStartHint(): number[] {
  const codes: number[] = [95];
  for (let code = 65; code <= 90; code++) codes.push(code, code + 32);
  for (let code = 128; code < 256; code++) codes.push(code);
  for (let code = 256; code < 65536; code += 255) codes.push(code);
  codes.push(65535);
  return codes;
}

export const Identifier = createToken({
  name: 'Identifier',
  label: 'a name',
  pattern: matchWord,
  line_breaks: false,
  start_chars_hint: wordStartHint(),
});

/** Category of the weekday keywords, so the grammar can accept any of them at once. */
export const Weekday = createToken({ name: 'Weekday', label: 'a weekday', pattern: Lexer.NA });
/** Category of the time-unit keywords (minutes, hours, days, weeks). */
export const TimeUnit = createToken({ name: 'TimeUnit', label: 'a time unit', pattern: Lexer.NA });

const keywordTokens: TokenType[] = [];

/**
 * Reserved words can never be a field or a bare group name. Every other keyword is
 * "soft": it is also an Identifier, so `email`, `start` or `Monday`-like group names
 * keep working where a name is expected.
 */
function keyword(
  word: string,
  options: { reserved?: boolean; categories?: TokenType[]; pattern?: RegExp } = {},
) {
  const categories = [...(options.categories ?? [])];
  if (!options.reserved) categories.push(Identifier);
  const token = createToken({
    name: word.charAt(0).toUpperCase() + word.slice(1),
    label: `"${word}"`,
    pattern: options.pattern ?? new RegExp(word),
    longer_alt: Identifier,
    categories,
  });
  keywordTokens.push(token);
  return token;
}

export const Selection = keyword('selection', { reserved: true });
export const When = keyword('when', { reserved: true });
export const Sequence = keyword('sequence', { reserved: true });
export const Every = keyword('every', { reserved: true });
export const In = keyword('in', { reserved: true });
export const Exactly = keyword('exactly', { reserved: true });
export const Segment = keyword('segment', { reserved: true });
export const Not = keyword('not', { reserved: true });
export const And = keyword('and', { reserved: true });
export const Or = keyword('or', { reserved: true });
export const Tagged = keyword('tagged', { reserved: true });
export const Subscribed = keyword('subscribed', { reserved: true });
export const Unsubscribed = keyword('unsubscribed', { reserved: true });
export const Empty = keyword('empty', { reserved: true });
export const If = keyword('if', { reserved: true });

export const Added = keyword('added');
export const Removed = keyword('removed');
export const To = keyword('to');
export const From = keyword('from');
export const Starts = keyword('starts');
export const Start = keyword('start');
export const Stop = keyword('stop');
export const Once = keyword('once');
export const Per = keyword('per');
export const Time = keyword('time');
export const Send = keyword('send');
export const Email = keyword('email');
export const Letter = keyword('letter');
export const Wait = keyword('wait');
export const Until = keyword('until');
export const Add = keyword('add');
export const Remove = keyword('remove');
export const Tag = keyword('tag');
export const At = keyword('at');
export const One = keyword('one');
export const Of = keyword('of');
export const Ends = keyword('ends');
export const With = keyword('with');
export const Within = keyword('within');
export const Contains = keyword('contains');
export const Is = keyword('is');
export const Last = keyword('last');
export const More = keyword('more');
export const Than = keyword('than');
export const Ago = keyword('ago');
export const Before = keyword('before');
export const After = keyword('after');
export const Exit = keyword('exit');

export const Minutes = keyword('minutes', { categories: [TimeUnit], pattern: /minutes?/ });
export const Hours = keyword('hours', { categories: [TimeUnit], pattern: /hours?/ });
export const Days = keyword('days', { categories: [TimeUnit], pattern: /days?/ });
export const Weeks = keyword('weeks', { categories: [TimeUnit], pattern: /weeks?/ });

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type WeekdayName = (typeof WEEKDAYS)[number];
for (const day of WEEKDAYS) keyword(day, { categories: [Weekday] });

/** Words that must be quoted when they are used as a group name or value. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'selection',
  'when',
  'sequence',
  'every',
  'in',
  'exactly',
  'segment',
  'not',
  'and',
  'or',
  'tagged',
  'subscribed',
  'unsubscribed',
  'empty',
  'if',
]);

/** Every keyword, reserved or soft, for completion and for quoting decisions. */
export const KEYWORDS: ReadonlySet<string> = new Set(
  keywordTokens.map((token) => String(token.LABEL).slice(1, -1)),
);

export const StringLiteral = createToken({
  name: 'StringLiteral',
  label: 'a quoted name',
  // A missing closing quote still lexes up to the end of the line; parse() reports it,
  // which keeps the rest of the text parseable.
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*(?:"|\\)?/,
  line_breaks: false,
});
export const DateLiteral = createToken({
  name: 'DateLiteral',
  label: 'a date (YYYY-MM-DD)',
  pattern: /\d{4}-\d{2}-\d{2}/,
});
export const TimeLiteral = createToken({
  name: 'TimeLiteral',
  label: 'a time (HH:MM)',
  pattern: /\d{1,2}:\d{2}/,
});
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  label: 'a number',
  pattern: /-?\d+(?:\.\d+)?/,
});

export const NotEquals = createToken({ name: 'NotEquals', label: '"!="', pattern: /!=/ });
export const LessOrEqual = createToken({ name: 'LessOrEqual', label: '"<="', pattern: /<=/ });
export const GreaterOrEqual = createToken({ name: 'GreaterOrEqual', label: '">="', pattern: />=/ });
export const Less = createToken({ name: 'Less', label: '"<"', pattern: /</ });
export const Greater = createToken({ name: 'Greater', label: '">"', pattern: />/ });
export const Equals = createToken({ name: 'Equals', label: '"="', pattern: /=/ });
export const LParen = createToken({ name: 'LParen', label: '"("', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', label: '")"', pattern: /\)/ });
export const LBrace = createToken({ name: 'LBrace', label: '"{"', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', label: '"}"', pattern: /\}/ });
export const Comma = createToken({ name: 'Comma', label: '","', pattern: /,/ });
export const Slash = createToken({ name: 'Slash', label: '"/"', pattern: /\// });

export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });
export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

// Longer keywords first so that e.g. "starts" is not read as "start" + "s".
const orderedKeywords = [...keywordTokens].sort((a, b) => String(b.LABEL).length - String(a.LABEL).length);

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  DateLiteral,
  TimeLiteral,
  NumberLiteral,
  NotEquals,
  LessOrEqual,
  GreaterOrEqual,
  Less,
  Greater,
  Equals,
  LParen,
  RParen,
  LBrace,
  RBrace,
  Comma,
  Slash,
  ...orderedKeywords,
  Identifier,
  Weekday,
  TimeUnit,
];

export const ruleLexer = new Lexer(allTokens, {
  positionTracking: 'full',
  ensureOptimizations: false,
});
