import path from 'node:path';
import type { SpecIR } from '@specfirst/spec-core';

export interface PlannedFile {
  /** Relative to the output folder, `/`-separated. */
  path: string;
  kind: 'models' | 'router' | 'service-index' | 'client' | 'openapi';
  service?: string;
  tag?: string;
}

/**
 * The files `specfirst sync` owns, derived only from IR names that spec-core already made safe
 * (service names are kebab-case, tag file names are `[a-z0-9-]`). Each path is re-checked to stay
 * inside the output folder, so no spec can make codegen write elsewhere.
 */
export function plannedFiles(ir: SpecIR): PlannedFile[] {
  const files: PlannedFile[] = [{ path: 'models.ts', kind: 'models' }];
  for (const service of ir.services) {
    if (service.type !== 'http') continue;
    for (const tag of service.tags) {
      files.push({ path: `routers/${service.name}/${tag.fileName}.ts`, kind: 'router', service: service.name, tag: tag.name });
    }
    files.push({ path: `routers/${service.name}/index.ts`, kind: 'service-index', service: service.name });
    files.push({ path: `clients/${service.name}.ts`, kind: 'client', service: service.name });
    files.push({ path: `openapi/${service.name}.json`, kind: 'openapi', service: service.name });
  }
  for (const file of files) assertInside(file.path);
  return files;
}

function assertInside(relative: string): void {
  const normalised = path.posix.normalize(relative);
  const segments = relative.split('/');
  if (normalised !== relative || path.posix.isAbsolute(relative) || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`refusing to plan a file outside the output folder: ${JSON.stringify(relative)}`);
  }
}
