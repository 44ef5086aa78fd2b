interface Decimal {
  negative: boolean;
  digits: bigint;
  exponent: number;
}

function parseDecimal(text: string): Decimal | undefined {
  const match = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const fraction = match[3] ?? '';
  return {
    negative: match[1] === '-',
    digits: BigInt(match[2]! + fraction),
    exponent: Number(match[4] ?? 0) - fraction.length,
  };
}

/**
 * Exact comparison of decimal numbers written as text, including JavaScript's
 * exponent form (1e+21), the way PostgreSQL's numeric compares them. NaN for non-numbers.
 */
export function decimalCompare(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) return NaN;
  const scale = Math.min(x.exponent, y.exponent);
  const scaled = (v: Decimal) => (v.negative ? -1n : 1n) * v.digits * 10n ** BigInt(v.exponent - scale);
  const left = scaled(x);
  const right = scaled(y);
  return left === right ? 0 : left < right ? -1 : 1;
}
