/** Orders in memory, and which order each idempotency key placed. */
import type { Order, OrderStatus } from '#generated/models.js';

export class OrderStore {
  readonly #orders = new Map<string, Order>();
  readonly #placedBy = new Map<string, string>();

  get(id: string): Order | undefined {
    return this.#orders.get(id);
  }

  /** Every order, oldest first. */
  list(): Order[] {
    return [...this.#orders.values()];
  }

  /** The order an `Idempotency-Key` already placed. */
  placedWith(key: string): Order | undefined {
    const id = this.#placedBy.get(key);
    return id === undefined ? undefined : this.#orders.get(id);
  }

  add(order: Order, key?: string): void {
    this.#orders.set(order.id, order);
    if (key !== undefined) this.#placedBy.set(key, order.id);
  }

  /** Deletes an order, and the idempotency key that placed it. */
  remove(id: string): void {
    this.#orders.delete(id);
    for (const [key, placed] of this.#placedBy) if (placed === id) this.#placedBy.delete(key);
  }

  setStatus(id: string, status: OrderStatus): Order | undefined {
    const order = this.#orders.get(id);
    if (!order) return undefined;
    const changed = { ...order, status };
    this.#orders.set(id, changed);
    return changed;
  }
}
