import { statSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST, outputIsCurrent, readStamp, syncTarget } from '@specfirst/codegen';
import { createRule } from '../util/create-rule.js';
import { projectView } from '../util/project.js';

type MessageIds = 'editedByHand' | 'stale' | 'notGenerated';

/**
 * Whether a project's output folder is current is one answer for all its files: asked once per
 * state of the spec (the IR object) and of the manifest (its modification time), not per file.
 */
const currentness = new Map<string, { key: unknown; mtime: number; current: boolean }>();

function outputCurrent(root: string, outDir: string, ir: object): boolean {
  let mtime = -1;
  try {
    mtime = statSync(path.join(outDir, MANIFEST)).mtimeMs;
  } catch {
    // No manifest: nothing can show the folder is current.
  }
  const known = currentness.get(outDir);
  if (known && known.key === ir && known.mtime === mtime) return known.current;
  const current = mtime >= 0 && outputIsCurrent(outDir, root, syncTarget({ root, kind: 'project' })) !== undefined;
  currentness.set(outDir, { key: ir, mtime, current });
  return current;
}

export default createRule<[], MessageIds>({
  name: 'generated-in-sync',
  meta: {
    type: 'problem',
    docs: {
      description: 'Report generated files that were edited by hand or no longer match the spec',
      recommended: true,
      requiresSpec: true,
    },
    messages: {
      editedByHand:
        'this generated file was edited by hand (its content no longer matches the hash in its header): edit the spec and run `specfirst sync`',
      stale: 'the generated code does not match the spec any more: run `specfirst sync`',
      notGenerated:
        'this file has no specfirst header, but `{{folder}}` belongs to `specfirst sync`: keep hand-written code out of it',
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const view = projectView(context.filename);
    if (view?.area !== 'output') return {};
    return {
      Program(node) {
        const stamp = readStamp(context.sourceCode.text);
        const at = { node, loc: { line: 1, column: 0 } };
        if (stamp === undefined) {
          if (path.basename(context.filename) !== MANIFEST)
            context.report({ ...at, messageId: 'notGenerated', data: { folder: view.ir.project.outputDir } });
          return;
        }
        if (!stamp.intact) {
          context.report({ ...at, messageId: 'editedByHand' });
          return;
        }
        const outDir = path.join(view.root, ...view.ir.project.outputDir.split('/'));
        if (!outputCurrent(view.root, outDir, view.ir)) context.report({ ...at, messageId: 'stale' });
      },
    };
  },
});
