/** Invoices in memory. */
import type { Invoice } from '#generated/models.js';

export class InvoiceStore {
  readonly #invoices = new Map<string, Invoice>();

  get(id: string): Invoice | undefined {
    return this.#invoices.get(id);
  }

  list(): Invoice[] {
    return [...this.#invoices.values()];
  }

  put(invoice: Invoice): void {
    this.#invoices.set(invoice.id, invoice);
  }
}
