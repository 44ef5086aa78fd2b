// Dependencies point one way (STYLE.md §1). Relative imports are resolved to the
// folder they land in, so `../../worker/src/x.js` is caught as surely as an alias.
import path from 'node:path';

/** Which project areas each area may import from. Areas not listed (scripts, test, bench) are free. */
const ALLOWED = {
  'apps/api': ['apps/api', 'libs/domain', 'libs/platform', 'libs/rules', 'libs/templates'],
  'apps/worker': ['apps/worker', 'libs/domain', 'libs/platform', 'libs/rules', 'libs/templates'],
  'libs/domain': ['libs/domain', 'libs/rules', 'libs/templates'],
  'libs/platform': ['libs/platform'],
  'libs/rules': ['libs/rules'],
  'libs/templates': ['libs/templates'],
};

function areaOf(relativePath) {
  const [top, name] = relativePath.split(path.sep);
  return top === 'apps' || top === 'libs' ? `${top}/${name}` : undefined;
}

export const layerBoundariesRule = {
  meta: {
    type: 'problem',
    docs: { description: 'apps depend on libs, libs never on apps, apps never on each other' },
    schema: [],
    messages: {
      forbidden: '{{from}} may not import from {{to}} (allowed: {{allowed}}).',
    },
  },
  create(context) {
    const root = context.cwd;
    const filename = context.filename;
    const from = areaOf(path.relative(root, filename));
    if (!from || !ALLOWED[from]) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.relative(root, path.resolve(path.dirname(filename), source));
      const to = areaOf(target) ?? target.split(path.sep)[0];
      if (!ALLOWED[from].includes(to)) {
        context.report({
          node,
          messageId: 'forbidden',
          data: { from, to, allowed: ALLOWED[from].join(', ') },
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node),
    };
  },
};
