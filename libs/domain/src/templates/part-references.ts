/** `{{> name}}`, `{{#> name}}` and their whitespace-control forms; names as libs/templates allows them. */
const REFERENCE = /\{\{~?\s*#?>\s*([A-Za-z][A-Za-z0-9_-]{0,63})/g;

export const PART_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

function namesIn(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((match) => match[1]!);
}

/**
 * The parts a template uses, following parts that use parts. A text match: it
 * may include a name only mentioned in a comment, which costs nothing, and the
 * check of the template against exactly these parts catches anything it missed.
 */
export function referencedParts(texts: readonly string[], parts: Readonly<Record<string, string>>): string[] {
  const found = new Set<string>();
  const pending = texts.flatMap(namesIn);
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (found.has(name)) continue;
    found.add(name);
    if (Object.hasOwn(parts, name)) pending.push(...namesIn(parts[name]!));
  }
  return [...found].sort();
}

export function pickParts(
  parts: Readonly<Record<string, string>>,
  names: readonly string[],
): Record<string, string> {
  return Object.fromEntries(
    names.filter((name) => Object.hasOwn(parts, name)).map((name) => [name, parts[name]!]),
  );
}
