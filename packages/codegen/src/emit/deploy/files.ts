/**
 * The deployment files sync writes under `generated/deploy/` for a `project` spec, in a fixed order.
 * Each entry says where its file goes, how its header comments (`#` for YAML and Redis config files, `--`
 * for SQL) and how its body is made; a new deployment file is one more entry.
 */
import type { SpecIR } from '@specfirst/spec-core';
import { COMPOSE_FILE } from '../../names.js';
import { stampLineComment } from '../../write/stamp.js';
import { emitCompose } from './compose.js';
import { k8sFiles } from './k8s.js';
import { postgresRolesFiles } from './postgres-roles.js';
import { redisAclFiles } from './redis-acl.js';
import { deploySources } from './topology.js';

export interface DeployFile {
  /** Relative to the output folder, e.g. `deploy/compose.yaml`. */
  path: string;
  comment: '#' | '--';
  body: string;
}

/** The deployment files' emitters: each gives the files it owns (none when the spec needs none). */
export const DEPLOY_EMITTERS: readonly ((ir: SpecIR) => DeployFile[])[] = [
  (ir) => [{ path: COMPOSE_FILE, comment: '#', body: emitCompose(ir) }],
  (ir) => k8sFiles(ir).map((f) => ({ path: f.path, comment: '#' as const, body: f.body })),
  (ir) => redisAclFiles(ir).map((f) => ({ ...f, comment: '#' as const })),
  (ir) => postgresRolesFiles(ir).map((f) => ({ ...f, comment: '--' as const })),
];

/** Every deployment file, stamped; none for a standalone OpenAPI document (it has no services.yaml). */
export function deployFiles(ir: SpecIR): { path: string; contents: string }[] {
  if (ir.project.kind !== 'project') return [];
  const sources = deploySources(ir);
  return DEPLOY_EMITTERS.flatMap((emit) => emit(ir)).map((f) => ({
    path: f.path,
    contents: stampLineComment(f.comment, sources, f.body),
  }));
}
