// Workflow code is replayed by Temporal and must stay deterministic: it may import
// only the workflow SDK, other workflow files, type-only activity declarations,
// the shared workflow contracts and the pure libraries.
const PURE_TARGETS = [/\/libs\/rules\//, /\/libs\/templates\//, /\/workflow-contracts\.js$/];

function isAllowed(source, isTypeOnly) {
  if (source === '@temporalio/workflow') return true;
  if (!source.startsWith('.')) return false;
  if (isTypeOnly) return true;
  if (/^\.\/[\w.-]+\.workflow\.js$/.test(source) || source === './index.js') return true;
  return PURE_TARGETS.some((pattern) => pattern.test(source));
}

export const workflowImportsRule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'workflow files import only @temporalio/workflow, type-only activities and pure libs',
    },
    schema: [],
    messages: {
      forbidden:
        "'{{source}}' cannot be imported by a workflow: workflows may import only @temporalio/workflow, " +
        'other workflow files, `import type` of activities, workflow contracts and libs/rules or libs/templates.',
    },
  },
  create(context) {
    const check = (node, isTypeOnly) => {
      const source = node.source?.value;
      if (typeof source !== 'string') return;
      if (!isAllowed(source, isTypeOnly)) context.report({ node, messageId: 'forbidden', data: { source } });
    };
    return {
      ImportDeclaration(node) {
        const typeOnly =
          node.importKind === 'type' ||
          (node.specifiers.length > 0 &&
            node.specifiers.every((specifier) => specifier.importKind === 'type'));
        check(node, typeOnly);
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node, node.exportKind === 'type');
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, false);
      },
    };
  },
};
