/**
 * The proof of isolation for one project: build its generated compose networks in namespaces
 * (netns.ts), probe every pair, and compare the whole matrix with the spec graph.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadProjectSync } from '@specfirst/spec-core';
import { declaredReachability, INTERNET, type Reach } from '@specfirst/spec-core/connectivity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMatrix, type Matrix, readCompose, removeStaleNamespaces, Topology } from './netns.js';

/** `a → b` for every ordered pair of compose services and every service → internet: can it connect? */
function pairs(names: string[], connects: (from: string, to: string) => boolean): Record<string, boolean> {
  const table: Record<string, boolean> = {};
  for (const from of names) {
    for (const to of [...names, INTERNET]) if (from !== to) table[`${from} → ${to}`] = connects(from, to);
  }
  return table;
}

/**
 * What the compose networks must give: a declared edge both ways (compose networks have no direction:
 * a caller and its callee share one, so the callee can open a connection to its caller too), and the
 * internet only from `access: internet`.
 */
export function expectedFromSpec(declared: Reach[], names: string[]): Record<string, boolean> {
  const has = (from: string, to: string): boolean => declared.some((r) => r.from === from && r.to === to);
  return pairs(names, (from, to) => (to === INTERNET ? has(from, to) : has(from, to) || has(to, from)));
}

export function describeIsolation(title: string, project: () => string): void {
  describe(title, () => {
    let topology: Topology | undefined;
    let declared: Reach[];
    let matrix: Matrix;

    beforeAll(async () => {
      const root = project();
      const loaded = loadProjectSync(root);
      if (!loaded.ir) throw new Error(`${root} does not load: ${JSON.stringify(loaded.diagnostics)}`);
      declared = declaredReachability(loaded.ir);
      const compose = readCompose(readFileSync(path.join(root, 'generated/deploy/compose.yaml'), 'utf8'));
      removeStaleNamespaces();
      topology = new Topology(compose);
      topology.build();
      await topology.listen();
      matrix = await topology.probe();
      console.log(
        `${title}: who opened a TCP connection to whom (✓ ports reached, · refused)\n${formatMatrix(topology, matrix)}`,
      );
    });

    afterAll(async () => {
      await topology?.destroy();
    });

    it('has a listener answering in every namespace, on each of its addresses', async () => {
      const failures = await topology!.selfCheck();
      for (const [service, failed] of failures) expect(failed, service).toEqual([]);
    });

    it('connects every declared edge, on the callee’s port', () => {
      expect(declared.length).toBeGreaterThan(0);
      for (const reach of declared) {
        const cell = matrix.get(reach.from)?.get(reach.to);
        expect(cell, `${reach.from} is a compose service`).toBeDefined();
        if (reach.to === INTERNET) expect(cell!.reached, `${reach.from} → internet`).not.toEqual([]);
        else expect(cell!.reached, `${reach.from} → ${reach.to}:${reach.port}`).toContain(reach.port);
      }
    });

    it('refuses every pair the spec does not declare (compose networks are undirected: a callee reaches its caller)', () => {
      const names = topology!.compose.services.map((s) => s.name);
      const actual = pairs(names, (from, to) => (matrix.get(from)?.get(to)?.reached.length ?? 0) > 0);
      expect(actual).toEqual(expectedFromSpec(declared, names));
    });
  });
}
