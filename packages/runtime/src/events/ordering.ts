/**
 * Which received entries may run now: at most `concurrency` handlers at once, and entries with the
 * same ordering key one at a time, in the order they were received. An entry waiting for its retry
 * (parked) frees its handler slot but keeps its key: later entries of that key wait for it, other
 * keys go on. Pure bookkeeping, no timers and no I/O (the consumer drives it).
 *
 * Every operation is O(1) but `take` (O(entries taken)) and `entries` (a copy, for stop() and lease
 * renewals): the consumer calls them once per entry, so a full buffer costs nothing per message.
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
  private readonly slots = new Map<string, Slot<T>>();
  /** Entries that may run now (ready, and first of their key), in the order they became so. */
  private readonly runnable = new Set<string>();
  /** Per ordering key, the ids holding it, in the order received: the first one is the one that may run. */
  private readonly keys = new Map<string, string[]>();
  private runningCount = 0;
  private parkedCount = 0;
  private blockedCount = 0;

  constructor(readonly concurrency: number) {}

  /** Entries held: ready, running or parked. */
  get size(): number {
    return this.slots.size;
  }

  /** Handlers running. */
  get running(): number {
    return this.runningCount;
  }

  /** Entries waiting for their retry. */
  get parked(): number {
    return this.parkedCount;
  }

  /** Entries ready but waiting for an earlier entry of their key (running, or parked for its retry). */
  get blocked(): number {
    return this.blockedCount;
  }

  /** The state of a held entry; undefined when it is not held. */
  state(id: string): State | undefined {
    return this.slots.get(id)?.state;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /** The item of a held entry. */
  item(id: string): T | undefined {
    return this.slots.get(id)?.item;
  }

  /** Holds a received entry; `key` undefined: it waits for no other entry. Refuses an id already held. */
  add(id: string, item: T, key?: string): void {
    if (this.slots.has(id)) throw new Error(`entry ${id} is held already`);
    this.slots.set(id, { id, item, key, state: 'ready' });
    if (key === undefined) {
      this.runnable.add(id);
      return;
    }
    const queue = this.keys.get(key);
    if (queue === undefined) {
      this.keys.set(key, [id]);
      this.runnable.add(id);
    } else {
      queue.push(id);
      this.blockedCount += 1;
    }
  }

  /** The entries that may run now, marked running: ready, first of their key, within the free slots. */
  take(): T[] {
    const taken: T[] = [];
    for (const id of this.runnable) {
      if (this.runningCount >= this.concurrency) break;
      const slot = this.slots.get(id)!;
      this.runnable.delete(id);
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
    this.parkedCount += 1;
  }

  /** A parked entry's retry is due: it may run again (before later entries of its key). */
  resume(id: string): void {
    this.find(id, 'parked').state = 'ready';
    this.parkedCount -= 1;
    this.runnable.add(id);
  }

  /** The entry is done (acknowledged, dead-lettered, or given up): its slot and its key are free. */
  finish(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    if (slot.state === 'running') this.runningCount -= 1;
    if (slot.state === 'parked') this.parkedCount -= 1;
    this.runnable.delete(id);
    this.slots.delete(id);
    if (slot.key === undefined) return;
    const queue = this.keys.get(slot.key)!;
    if (queue[0] !== id) {
      queue.splice(queue.indexOf(id), 1); // not first: nothing waited for it, and it was blocked
      this.blockedCount -= 1;
      return;
    }
    queue.shift();
    if (queue.length === 0) this.keys.delete(slot.key);
    else {
      this.runnable.add(queue[0]!); // the next entry of the key is ready: it was never taken
      this.blockedCount -= 1;
    }
  }

  /** Every entry held, with its state, in the order received (for stop() and lease renewals). */
  entries(): { id: string; item: T; state: State }[] {
    return [...this.slots.values()].map(({ id, item, state }) => ({ id, item, state }));
  }

  private find(id: string, state: State): Slot<T> {
    const slot = this.slots.get(id);
    if (slot?.state !== state) throw new Error(`entry ${id} is not ${state}`);
    return slot;
  }
}
