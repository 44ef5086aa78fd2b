import { describe, expect, it } from '@jest/globals';
import { createToken, Lexer } from 'chevrotain';

describe('toolchain', () => {
  it('runs chevrotain under jest ESM', () => {
    const Word = createToken({ name: 'Word', pattern: /\w+/ });
    const lexer = new Lexer([Word]);
    expect(lexer.tokenize('hello').tokens).toHaveLength(1);
  });
});
