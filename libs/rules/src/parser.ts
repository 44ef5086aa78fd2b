import { CstParser } from 'chevrotain';
import type { CstNode, IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import {
  Add,
  Added,
  After,
  Ago,
  allTokens,
  And,
  At,
  Before,
  Comma,
  Contains,
  DateLiteral,
  Days,
  Email,
  Empty,
  Ends,
  Equals,
  Every,
  Exactly,
  From,
  Greater,
  GreaterOrEqual,
  Identifier,
  If,
  In,
  Is,
  Last,
  LBrace,
  Less,
  LessOrEqual,
  Letter,
  LParen,
  More,
  Not,
  NotEquals,
  NumberLiteral,
  Of,
  Once,
  One,
  Or,
  Per,
  RBrace,
  Remove,
  Removed,
  RParen,
  Segment,
  Selection,
  Send,
  Sequence,
  Slash,
  Start,
  Starts,
  Stop,
  StringLiteral,
  Subscribed,
  Tag,
  Tagged,
  Than,
  Time,
  TimeLiteral,
  TimeUnit,
  To,
  Unsubscribed,
  Until,
  Wait,
  Weekday,
  When,
  With,
  Within,
} from './tokens.js';

/** What each grammar rule is called in messages for marketers. */
const RULE_DESCRIPTIONS: Record<string, string> = {
  program: 'a "selection", "when", "sequence" or "every" statement',
  statement: 'a "selection", "when", "sequence" or "every" statement',
  orExpression: 'a condition',
  andExpression: 'a condition',
  notExpression: 'a condition',
  primary: 'a condition such as in Travel/Greece, tagged "vip" or city = "Berlin"',
  membership: 'a group, "exactly", "segment" or "selection" after "in"',
  groupPath: 'a group such as Travel/Greece',
  pathSegment: 'a group name',
  fieldTest: 'a comparison such as = "Berlin", one of ("DE", "AT"), contains "x" or within last 30 days',
  comparisonOperator: 'a comparison operator',
  value: 'a value (quoted text, a number, a date or a word)',
  valueList: 'a list of values in parentheses',
  triggerEvent: 'added to <group>, removed from <group> or tagged "<tag>"',
  triggerAction: 'start sequence "<name>" or stop sequence "<name>"',
  reentry: '"once", "once per <n> days" or "every time"',
  step: 'a step: send email, send letter, wait, stop if, add to, remove from, add tag or remove tag',
  waitTarget: 'a duration such as 2 days, or until monday 09:00',
  addTarget: 'to <group> or tag "<tag>"',
  removeTarget: 'from <group> or tag "<tag>"',
  channel: '"email" or "letter"',
  scheduleDay: 'a weekday or "day"',
  timeZone: 'a time zone such as Europe/Berlin',
  audience: 'selection "<name>" or a condition',
};

function describeToken(token: IToken): string {
  if (token.tokenType.name === 'EOF') return 'the end of the text';
  return `"${token.image}"`;
}

function labelOf(tokenType: TokenType): string {
  return tokenType.LABEL ?? tokenType.name;
}

function joinAlternatives(labels: string[]): string {
  const unique = [...new Set(labels)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  if (unique.length > 6) return `${unique.slice(0, 6).join(', ')} or similar`;
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `Expected ${labelOf(expected)} here, but found ${describeToken(actual)}.`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `Did not understand ${describeToken(firstRedundant)}: a new statement must start with "selection", "when", "sequence" or "every".`;
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    const found = actual[0] ? describeToken(actual[0]) : 'the end of the text';
    return `Expected ${RULE_DESCRIPTIONS[ruleName] ?? 'something else'} here, but found ${found}.`;
  },
  buildEarlyExitMessage({ actual, ruleName, expectedIterationPaths }) {
    const first = expectedIterationPaths.map((path) => (path[0] ? labelOf(path[0]) : ''));
    const expected = RULE_DESCRIPTIONS[ruleName] ?? joinAlternatives(first.filter(Boolean));
    const found = actual[0] ? describeToken(actual[0]) : 'the end of the text';
    return `Expected ${expected} here, but found ${found}.`;
  },
};

/** Grammar of the rule language. Turning the CST into the AST is cst-to-ast.ts's job. */
export class RuleParser extends CstParser {
  constructor() {
    super(allTokens, {
      recoveryEnabled: true,
      errorMessageProvider: errorMessages,
      maxLookahead: 3,
      nodeLocationTracking: 'onlyOffset',
    });
    this.performSelfAnalysis();
  }

  public program = this.RULE('program', () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  private statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.selectionStatement) },
      { ALT: () => this.SUBRULE(this.triggerStatement) },
      { ALT: () => this.SUBRULE(this.sequenceStatement) },
      { ALT: () => this.SUBRULE(this.scheduleStatement) },
    ]);
  });

  private selectionStatement = this.RULE('selectionStatement', () => {
    this.CONSUME(Selection);
    this.CONSUME(StringLiteral, { LABEL: 'name' });
    this.CONSUME(Equals);
    this.SUBRULE(this.orExpression, { LABEL: 'condition' });
  });

  private orExpression = this.RULE('orExpression', () => {
    this.SUBRULE(this.andExpression, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(Or);
      this.SUBRULE2(this.andExpression, { LABEL: 'operands' });
    });
  });

  private andExpression = this.RULE('andExpression', () => {
    this.SUBRULE(this.notExpression, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(And);
      this.SUBRULE2(this.notExpression, { LABEL: 'operands' });
    });
  });

  private notExpression = this.RULE('notExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Not);
          this.SUBRULE(this.notExpression, { LABEL: 'operand' });
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  private primary = this.RULE('primary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.orExpression, { LABEL: 'inner' });
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.membership) },
      {
        ALT: () => {
          this.CONSUME(Tagged);
          this.CONSUME(StringLiteral, { LABEL: 'tag' });
        },
      },
      { ALT: () => this.CONSUME(Subscribed) },
      { ALT: () => this.CONSUME(Unsubscribed) },
      { ALT: () => this.SUBRULE(this.fieldCondition) },
    ]);
  });

  private membership = this.RULE('membership', () => {
    this.CONSUME(In);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Exactly);
          this.SUBRULE(this.groupPath, { LABEL: 'exactPath' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Segment);
          this.CONSUME(StringLiteral, { LABEL: 'segmentName' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Selection);
          this.CONSUME2(StringLiteral, { LABEL: 'selectionName' });
        },
      },
      { ALT: () => this.SUBRULE2(this.groupPath, { LABEL: 'path' }) },
    ]);
  });

  private groupPath = this.RULE('groupPath', () => {
    this.SUBRULE(this.pathSegment, { LABEL: 'segments' });
    this.MANY(() => {
      this.CONSUME(Slash);
      this.SUBRULE2(this.pathSegment, { LABEL: 'segments' });
    });
  });

  private pathSegment = this.RULE('pathSegment', () => {
    this.OR([{ ALT: () => this.CONSUME(Identifier) }, { ALT: () => this.CONSUME(StringLiteral) }]);
  });

  private fieldCondition = this.RULE('fieldCondition', () => {
    this.CONSUME(Identifier, { LABEL: 'field' });
    this.SUBRULE(this.fieldTest);
  });

  private fieldTest = this.RULE('fieldTest', () => {
    this.OR([
      {
        ALT: () => {
          this.SUBRULE(this.comparisonOperator);
          this.SUBRULE(this.value);
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(Not));
          this.CONSUME(One);
          this.CONSUME(Of);
          this.SUBRULE(this.valueList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Contains);
          this.CONSUME(StringLiteral, { LABEL: 'text' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Starts);
          this.CONSUME(With);
          this.CONSUME2(StringLiteral, { LABEL: 'text' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Ends);
          this.CONSUME2(With);
          this.CONSUME3(StringLiteral, { LABEL: 'text' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Is);
          this.OPTION2(() => this.CONSUME2(Not, { LABEL: 'isNot' }));
          this.OR2([{ ALT: () => this.CONSUME(Empty) }, { ALT: () => this.SUBRULE2(this.value) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Within);
          this.CONSUME(Last);
          this.CONSUME(NumberLiteral, { LABEL: 'amount' });
          this.CONSUME(TimeUnit, { LABEL: 'unit' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(More);
          this.CONSUME(Than);
          this.CONSUME2(NumberLiteral, { LABEL: 'amount' });
          this.CONSUME2(TimeUnit, { LABEL: 'unit' });
          this.CONSUME(Ago);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Before);
          this.CONSUME(DateLiteral, { LABEL: 'date' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(After);
          this.CONSUME2(DateLiteral, { LABEL: 'date' });
        },
      },
    ]);
  });

  private comparisonOperator = this.RULE('comparisonOperator', () => {
    this.OR([
      { ALT: () => this.CONSUME(Equals) },
      { ALT: () => this.CONSUME(NotEquals) },
      { ALT: () => this.CONSUME(LessOrEqual) },
      { ALT: () => this.CONSUME(GreaterOrEqual) },
      { ALT: () => this.CONSUME(Less) },
      { ALT: () => this.CONSUME(Greater) },
    ]);
  });

  private valueList = this.RULE('valueList', () => {
    this.CONSUME(LParen);
    this.SUBRULE(this.value, { LABEL: 'values' });
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.value, { LABEL: 'values' });
    });
    this.CONSUME(RParen);
  });

  private value = this.RULE('value', () => {
    this.OR([
      { ALT: () => this.CONSUME(StringLiteral) },
      { ALT: () => this.CONSUME(NumberLiteral) },
      { ALT: () => this.CONSUME(DateLiteral) },
      { ALT: () => this.CONSUME(Identifier) },
      { ALT: () => this.CONSUME(Subscribed) },
      { ALT: () => this.CONSUME(Unsubscribed) },
    ]);
  });

  private triggerStatement = this.RULE('triggerStatement', () => {
    this.CONSUME(When);
    this.SUBRULE(this.triggerEvent);
    this.OPTION(() => {
      this.CONSUME(If);
      this.SUBRULE(this.orExpression, { LABEL: 'condition' });
    });
    this.SUBRULE(this.triggerAction);
    // "every" also starts a schedule statement, so only "every time" belongs here.
    this.OPTION2({
      GATE: () => this.LA(1).tokenType !== Every || this.LA(2).tokenType === Time,
      DEF: () => this.SUBRULE(this.reentry),
    });
  });

  private triggerEvent = this.RULE('triggerEvent', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Added);
          this.CONSUME(To);
          this.SUBRULE(this.groupPath, { LABEL: 'addedPath' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Removed);
          this.CONSUME(From);
          this.SUBRULE2(this.groupPath, { LABEL: 'removedPath' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Tagged);
          this.CONSUME(StringLiteral, { LABEL: 'tag' });
        },
      },
    ]);
  });

  private triggerAction = this.RULE('triggerAction', () => {
    this.OR([{ ALT: () => this.CONSUME(Start) }, { ALT: () => this.CONSUME(Stop) }]);
    this.CONSUME(Sequence);
    this.CONSUME(StringLiteral, { LABEL: 'sequence' });
  });

  private reentry = this.RULE('reentry', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Once);
          this.OPTION(() => {
            this.CONSUME(Per);
            this.CONSUME(NumberLiteral, { LABEL: 'amount' });
            this.CONSUME(TimeUnit, { LABEL: 'unit' });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Every);
          this.CONSUME(Time);
        },
      },
    ]);
  });

  private sequenceStatement = this.RULE('sequenceStatement', () => {
    this.CONSUME(Sequence);
    this.CONSUME(StringLiteral, { LABEL: 'name' });
    this.CONSUME(LBrace);
    this.MANY(() => this.SUBRULE(this.step, { LABEL: 'steps' }));
    this.CONSUME(RBrace);
  });

  private step = this.RULE('step', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Send);
          this.SUBRULE(this.channel);
          this.CONSUME(StringLiteral, { LABEL: 'template' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Wait);
          this.SUBRULE(this.waitTarget);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Stop);
          this.CONSUME(If);
          this.SUBRULE(this.orExpression, { LABEL: 'condition' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Add);
          this.SUBRULE(this.addTarget);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Remove);
          this.SUBRULE(this.removeTarget);
        },
      },
    ]);
  });

  private channel = this.RULE('channel', () => {
    this.OR([{ ALT: () => this.CONSUME(Email) }, { ALT: () => this.CONSUME(Letter) }]);
  });

  private waitTarget = this.RULE('waitTarget', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(NumberLiteral, { LABEL: 'amount' });
          this.CONSUME(TimeUnit, { LABEL: 'unit' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Until);
          this.OPTION(() => this.CONSUME(Weekday));
          this.CONSUME(TimeLiteral);
        },
      },
    ]);
  });

  private addTarget = this.RULE('addTarget', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(To);
          this.SUBRULE(this.groupPath);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Tag);
          this.CONSUME(StringLiteral, { LABEL: 'tag' });
        },
      },
    ]);
  });

  private removeTarget = this.RULE('removeTarget', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(From);
          this.SUBRULE(this.groupPath);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Tag);
          this.CONSUME(StringLiteral, { LABEL: 'tag' });
        },
      },
    ]);
  });

  private scheduleStatement = this.RULE('scheduleStatement', () => {
    this.CONSUME(Every);
    this.SUBRULE(this.scheduleDay);
    this.CONSUME(At);
    this.CONSUME(TimeLiteral);
    // A one-word zone such as UTC is an Identifier, and so is the soft keyword "send".
    this.OPTION({ GATE: () => this.LA(1).tokenType !== Send, DEF: () => this.SUBRULE(this.timeZone) });
    this.CONSUME(Send);
    this.SUBRULE(this.channel);
    this.CONSUME(StringLiteral, { LABEL: 'template' });
    this.CONSUME(To);
    this.SUBRULE(this.audience);
  });

  private scheduleDay = this.RULE('scheduleDay', () => {
    this.OR([{ ALT: () => this.CONSUME(Weekday) }, { ALT: () => this.CONSUME(Days) }]);
  });

  private timeZone = this.RULE('timeZone', () => {
    this.CONSUME(Identifier, { LABEL: 'parts' });
    this.MANY(() => {
      this.CONSUME(Slash);
      this.CONSUME2(Identifier, { LABEL: 'parts' });
    });
  });

  private audience = this.RULE('audience', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Selection);
          this.CONSUME(StringLiteral, { LABEL: 'selectionName' });
        },
      },
      { ALT: () => this.SUBRULE(this.orExpression, { LABEL: 'condition' }) },
    ]);
  });
}

let shared: RuleParser | undefined;

/** One parser instance: building it runs Chevrotain's grammar analysis, which is slow. */
export function ruleParser(): RuleParser {
  shared ??= new RuleParser();
  return shared;
}

export type { CstNode };
