/**
 * The proof of isolation for one project: build its generated compose networks in namespaces
 * (netns.ts), probe every pair, and compare the whole matrix with the spec graph.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadProjectSync } from '@specfirst/spec-core';
import { declaredReachability, INTERNET, type Reach } from '@specfirst/spec-core/connectivity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ComposeNetworks,
  formatMatrix,
  type Matrix,
  readCompose,
  removeStaleNamespaces,
  Topology,
} from './netns.js';

/** `a → b` for every ordered pair of compose services and every service → internet: can it connect? */
function pairs(names: string[], connects: (from: string, to: string) => boolean): Record<string, boolean> {
  const table: Record<string, boolean> = {};
  for (const from of names) {
    for (const to of [...names, INTERNET]) if (from !== to) table[`${from} → ${to}`] = connects(from, to);
  }
  return table;
}

export interface Measured {
  declared: Reach[];
  topology: Topology;
  matrix: Matrix;
  /** Every pair: did it connect (on any port)? */
  actual: Record<string, boolean>;
  /**
   * Every pair: may it, by the spec? A declared edge both ways (compose networks have no direction:
   * a caller and its callee share one, so the callee can open a connection to its caller too), and
   * the internet only from `access: internet`.
   */
  expected: Record<string, boolean>;
}

/**
 * Loads the project's spec, builds the networks of its generated compose file (after `plant`, which a
 * test uses to plant a mistake), starts the listeners and probes every pair. The caller destroys
 * `topology`; on a failure it is destroyed here.
 */
export async function measure(
  root: string,
  plant: (compose: ComposeNetworks) => ComposeNetworks = (c) => c,
): Promise<Measured> {
  const loaded = loadProjectSync(root);
  if (!loaded.ir) throw new Error(`${root} does not load: ${JSON.stringify(loaded.diagnostics)}`);
  const declared = declaredReachability(loaded.ir);
  const compose = plant(readCompose(readFileSync(path.join(root, 'generated/deploy/compose.yaml'), 'utf8')));
  removeStaleNamespaces();
  const topology = new Topology(compose);
  try {
    topology.build();
    await topology.listen();
    const matrix = await topology.probe();
    const names = compose.services.map((s) => s.name);
    const has = (from: string, to: string): boolean => declared.some((r) => r.from === from && r.to === to);
    return {
      declared,
      topology,
      matrix,
      actual: pairs(names, (from, to) => (matrix.get(from)?.get(to)?.reached.length ?? 0) > 0),
      expected: pairs(names, (from, to) => (to === INTERNET ? has(from, to) : has(from, to) || has(to, from))),
    };
  } catch (error) {
    await topology.destroy();
    throw error;
  }
}

/** The pairs where `actual` and `expected` differ, as `a → b: connected` / `a → b: refused`. */
export function differences({ actual, expected }: Pick<Measured, 'actual' | 'expected'>): string[] {
  return Object.keys(expected)
    .filter((pair) => actual[pair] !== expected[pair])
    .map((pair) => `${pair}: ${actual[pair] ? 'connected' : 'refused'}`)
    .sort();
}

/** The proof on one project: its generated compose file gives exactly the reachability its spec declares. */
export function describeIsolation(title: string, project: () => string): void {
  describe(title, () => {
    let measured: Measured | undefined;

    beforeAll(async () => {
      measured = await measure(project());
      console.log(
        `${title}: who opened a TCP connection to whom (✓ ports reached, · refused)\n` +
          formatMatrix(measured.topology, measured.matrix),
      );
    });

    afterAll(async () => {
      await measured?.topology.destroy();
    });

    it('has a listener answering in every namespace, on each of its addresses', async () => {
      const failures = await measured!.topology.selfCheck();
      for (const [service, failed] of failures) expect(failed, service).toEqual([]);
    });

    it('connects every declared edge, on the callee’s port', () => {
      const { declared, matrix } = measured!;
      expect(declared.length).toBeGreaterThan(0);
      for (const reach of declared) {
        const cell = matrix.get(reach.from)?.get(reach.to);
        expect(cell, `${reach.from} is a compose service`).toBeDefined();
        if (reach.to === INTERNET) expect(cell!.reached, `${reach.from} → internet`).not.toEqual([]);
        else
          expect(cell!.reached, `${reach.from} → ${reach.to}:${reach.port} (${cell!.refused.join(', ')})`).toContain(
            reach.port,
          );
      }
    });

    it('refuses every pair the spec does not declare (compose networks are undirected: a callee reaches its caller)', () => {
      expect(measured!.actual).toEqual(measured!.expected);
    });
  });
}
