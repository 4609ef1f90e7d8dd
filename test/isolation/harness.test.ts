/**
 * The harness itself: when a namespace cannot be made, the proof fails with the command that failed
 * and the reason; it never skips.
 */
import { describe, expect, it } from 'vitest';
import { readCompose, Topology } from './netns.js';

const COMPOSE = `
services:
  a: { expose: ["3000"], networks: [a--b] }
  b: { expose: ["3001"], networks: [a--b] }
networks:
  a--b: { internal: true }
`;

describe('the isolation harness', () => {
  it('fails with the command that could not run and why, when a namespace cannot be made', async () => {
    const topology = new Topology(readCompose(COMPOSE));
    try {
      topology.build();
      // The same namespaces again: `ip netns add` refuses, as it would without the right to make them.
      expect(() => topology.build()).toThrow(
        new RegExp(`\`ip netns add ${topology.switchNs}\` failed \\(exit 1\\): .*File exists.*it does not skip`),
      );
    } finally {
      await topology.destroy();
    }
  });

  it('refuses a compose service on a network the file does not declare', async () => {
    const topology = new Topology(readCompose(COMPOSE.replace('networks: [a--b] }\n  b', 'networks: [a--c] }\n  b')));
    try {
      expect(() => topology.build()).toThrow('compose service a joins network a--c, which is not declared');
    } finally {
      await topology.destroy();
    }
  });
});
