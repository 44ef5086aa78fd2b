/** A small seeded generator (mulberry32), so every run with the same seed builds the same data. */
export interface Random {
  /** In [0, 1). */
  next(): number;
  /** An integer in [0, below). */
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: T[]): T[];
  /** A version 4 UUID drawn from this generator. */
  uuid(): string;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const hex = (digits: number) => {
    let text = '';
    for (let index = 0; index < digits; index++) text += '0123456789abcdef'[int(16)];
    return text;
  };
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    shuffle(items) {
      for (let index = items.length - 1; index > 0; index--) {
        const other = int(index + 1);
        [items[index], items[other]] = [items[other]!, items[index]!];
      }
      return items;
    },
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(4)]}${hex(3)}-${hex(12)}`,
  };
}
