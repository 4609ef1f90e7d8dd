/**
 * `specfirst.yaml`: finding the project root and reading where everything lives.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { type BuildContext, report } from './context.js';
import type { IRLocation, IRProject } from '../ir/ir.js';
import { irLoc } from '../diagnostics/location.js';
import { NAME_PATTERNS, toFileName } from '../util/names.js';
import { isRecord, stringList } from '../util/records.js';
import { joinPointer } from '../util/json-pointer.js';
import { isPathInside } from '../util/path-containment.js';
import type { SourceFile } from '../yaml/source-file.js';

export const PROJECT_FILE = 'specfirst.yaml';

export const DEFAULT_DIRS = { spec: 'spec', output: 'generated', services: 'services' } as const;

/** Walks up from `start` (a file or folder) to the nearest folder holding `specfirst.yaml`. */
export function findProjectRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  if (!isDirectory(dir)) dir = path.dirname(dir);
  for (;;) {
    if (existsSync(path.join(dir, PROJECT_FILE))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Reads the project settings, applying defaults and refusing folders outside the root. */
export function readProjectConfig(ctx: BuildContext, source: SourceFile | undefined): IRProject {
  const raw = source && isRecord(source.value) ? source.value : {};
  const at = (key: string): IRLocation | undefined => (source ? irLoc(source, joinPointer('', key)) : undefined);
  const folder = (key: 'spec' | 'output' | 'services'): string => {
    const value = typeof raw[key] === 'string' ? (raw[key] as string) : DEFAULT_DIRS[key];
    const absPath = path.resolve(ctx.root, value);
    const rel = path.relative(ctx.root, absPath).split(path.sep).join('/');
    if (!isPathInside(ctx.root, absPath)) {
      report(
        ctx,
        at(key),
        'SF0004',
        `\`${key}: ${value}\` points outside the project root`,
        'use a folder inside the project, e.g. `' + DEFAULT_DIRS[key] + '`',
      );
      return DEFAULT_DIRS[key];
    }
    if (rel === '' && key === 'output') {
      report(
        ctx,
        at(key),
        'SF0004',
        '`output` cannot be the project root: generated code owns and rewrites that folder',
        'use a folder of its own, e.g. `generated`',
      );
      return DEFAULT_DIRS[key];
    }
    return rel === '' ? '.' : rel;
  };
  const spec = folder('spec');
  const output = folder('output');
  const services = folder('services');
  if (output === spec || output === services || spec.startsWith(`${output}/`) || services.startsWith(`${output}/`)) {
    report(
      ctx,
      at('output'),
      'SF0004',
      `\`output: ${output}\` overlaps the spec or services folder; sync would overwrite hand-written files`,
      'give generated code a folder of its own, e.g. `generated`',
    );
  }
  const lint = isRecord(raw.lint) ? raw.lint : {};
  return {
    // The folder name may hold anything (`My Project`); the IR's name is always kebab-case.
    name:
      typeof raw.name === 'string' && NAME_PATTERNS.project.test(raw.name)
        ? raw.name
        : toFileName(path.basename(ctx.root)) || 'project',
    specDir: spec,
    outputDir: output,
    servicesDir: services,
    apps: Array.isArray(raw.apps) ? stringList(raw.apps) : [`${services}/*/src/app.ts`],
    lint: {
      allowAdhocSchemas: stringList(lint.allowAdhocSchemas),
      allowManualRouters: stringList(lint.allowManualRouters),
    },
    kind: 'project',
  };
}
