/**
 * Where the mailer "sends" e-mail: this example's SMTP server. Each receipt is kept in memory and,
 * given a folder (`MAILBOX_DIR`), appended to `<folder>/receipts.jsonl` as one JSON line, which
 * people and tests read: `tail -f "$MAILBOX_DIR/receipts.jsonl"`.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface Receipt {
  /** The e-mail's `Message-ID`, which `sendReceipt` returns as its result. */
  messageId: string;
  orderId: string;
  to: string;
  subject: string;
  sentAt: string;
}

/** The file of a mailbox folder. */
export const MAILBOX_FILE = 'receipts.jsonl';

export class Mailbox {
  readonly #sent = new Map<string, Receipt>();

  private constructor(
    /** `<folder>/receipts.jsonl`, or undefined for a mailbox in memory only. */
    readonly file: string | undefined,
  ) {}

  /** A mailbox in memory, or in `folder` (created if need be), shared by every mailer given the same folder. */
  static async open(folder?: string): Promise<Mailbox> {
    if (folder === undefined) return new Mailbox(undefined);
    await mkdir(folder, { recursive: true });
    return new Mailbox(path.join(folder, MAILBOX_FILE));
  }

  /** The receipt of an order, if one was sent: by this mailer, or (in a folder) by any other. */
  async find(orderId: string): Promise<Receipt | undefined> {
    const mine = this.#sent.get(orderId);
    if (mine || this.file === undefined) return mine;
    return (await readReceipts(path.dirname(this.file))).find((receipt) => receipt.orderId === orderId);
  }

  /** What this mailer sent, oldest first. */
  list(): Receipt[] {
    return [...this.#sent.values()];
  }

  async send(receipt: Receipt): Promise<void> {
    if (this.file !== undefined) await appendFile(this.file, `${JSON.stringify(receipt)}\n`);
    this.#sent.set(receipt.orderId, receipt);
  }
}

/** Every receipt in a mailbox folder, oldest first ([] when nothing was sent there yet). */
export async function readReceipts(folder: string): Promise<Receipt[]> {
  let text: string;
  try {
    text = await readFile(path.join(folder, MAILBOX_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // Every line ends with a newline once written: what follows the last one is a line being written.
  return text
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as Receipt);
}
