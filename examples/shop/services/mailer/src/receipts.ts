/** The receipts the mailer has sent, in memory: this example's mailbox. */
export interface Receipt {
  invoiceId: string;
  orderId: string;
  sentAt: string;
}

export class Receipts {
  readonly #sent = new Map<string, Receipt>();

  /** The receipt of an invoice, if it was sent. */
  of(invoiceId: string): Receipt | undefined {
    return this.#sent.get(invoiceId);
  }

  list(): Receipt[] {
    return [...this.#sent.values()];
  }

  record(receipt: Receipt): void {
    this.#sent.set(receipt.invoiceId, receipt);
  }
}
