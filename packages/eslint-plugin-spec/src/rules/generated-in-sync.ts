import { statSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST, outputRecord, readStamp, syncTarget } from '@specfirst/codegen';
import { createRule } from '../util/create-rule.js';
import { projectView } from '../util/project.js';

type MessageIds = 'editedByHand' | 'stale' | 'notGenerated';

type OutputRecord = ReturnType<typeof outputRecord>;

/**
 * What the last sync recorded (codegen's manifest: whether the spec is still the one it was made
 * from, and each file's hash) is one answer for all the files of a project: read once per state of
 * the spec (the IR object) and of the manifest (its modification time), not per file.
 */
const records = new Map<string, { key: unknown; mtime: number; record: OutputRecord }>();

function recordOf(root: string, outDir: string, ir: object): OutputRecord {
  let mtime = -1;
  try {
    mtime = statSync(path.join(outDir, MANIFEST)).mtimeMs;
  } catch {
    // No manifest: nothing can show the folder is current.
  }
  const known = records.get(outDir);
  if (known && known.key === ir && known.mtime === mtime) return known.record;
  const record = mtime >= 0 ? outputRecord(outDir, root, syncTarget({ root, kind: 'project' })) : undefined;
  records.set(outDir, { key: ir, mtime, record });
  return record;
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
        // Intact: stale when the spec changed since the last sync, or when this file is not what
        // that sync wrote. Another file's hand edit is that file's problem, not this one's.
        const outDir = path.join(view.root, ...view.ir.project.outputDir.split('/'));
        const record = recordOf(view.root, outDir, view.ir);
        const relative = path.relative(outDir, context.filename).split(path.sep).join('/');
        if (record?.inputsCurrent !== true || record.files.get(relative) !== stamp.hash)
          context.report({ ...at, messageId: 'stale' });
      },
    };
  },
});
