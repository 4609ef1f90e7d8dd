/**
 * Which received entries may run now: at most `concurrency` handlers at once, and entries with the
 * same ordering key one at a time, in the order they were received. An entry waiting for its retry
 * (parked) frees its handler slot but keeps its key: later entries of that key wait for it, other
 * keys go on. Pure bookkeeping, no timers and no I/O (the consumer drives it).
 */

type State = 'ready' | 'running' | 'parked';

interface Slot<T> {
  id: string;
  item: T;
  key: string | undefined;
  state: State;
}

export class OrderingScheduler<T> {
  /** Every entry held, in the order received. */
  private readonly slots: Slot<T>[] = [];
  private runningCount = 0;

  constructor(readonly concurrency: number) {}

  /** Entries held: ready, running or parked. */
  get size(): number {
    return this.slots.length;
  }

  /** Handlers running. */
  get running(): number {
    return this.runningCount;
  }

  /** The state of a held entry; undefined when it is not held. */
  state(id: string): State | undefined {
    return this.slots.find((slot) => slot.id === id)?.state;
  }

  has(id: string): boolean {
    return this.slots.some((slot) => slot.id === id);
  }

  /** Holds a received entry; `key` undefined: it waits for no other entry. Refuses an id already held. */
  add(id: string, item: T, key?: string): void {
    if (this.has(id)) throw new Error(`entry ${id} is held already`);
    this.slots.push({ id, item, key, state: 'ready' });
  }

  /** The entries that may run now, marked running: ready, first of their key, within the free slots. */
  take(): T[] {
    const taken: T[] = [];
    const keysSeen = new Set<string>();
    for (const slot of this.slots) {
      if (this.runningCount >= this.concurrency) break;
      if (slot.key !== undefined) {
        if (keysSeen.has(slot.key)) continue;
        keysSeen.add(slot.key);
      }
      if (slot.state !== 'ready') continue;
      slot.state = 'running';
      this.runningCount += 1;
      taken.push(slot.item);
    }
    return taken;
  }

  /** A running entry waits for its retry: its handler slot is free, its key stays held. */
  park(id: string): void {
    const slot = this.find(id, 'running');
    slot.state = 'parked';
    this.runningCount -= 1;
  }

  /** A parked entry's retry is due: it may run again (before later entries of its key). */
  resume(id: string): void {
    this.find(id, 'parked').state = 'ready';
  }

  /** The entry is done (acknowledged, dead-lettered, or given up): its slot and its key are free. */
  finish(id: string): void {
    const index = this.slots.findIndex((slot) => slot.id === id);
    if (index < 0) return;
    if (this.slots[index]!.state === 'running') this.runningCount -= 1;
    this.slots.splice(index, 1);
  }

  /** Every entry held, with its state (for stop() and tests). */
  entries(): { id: string; item: T; state: State }[] {
    return this.slots.map(({ id, item, state }) => ({ id, item, state }));
  }

  private find(id: string, state: State): Slot<T> {
    const slot = this.slots.find((s) => s.id === id);
    if (slot?.state !== state) throw new Error(`entry ${id} is not ${state}`);
    return slot;
  }
}
