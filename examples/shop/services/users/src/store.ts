/** Users in memory: the accounts, and each one's password hash (never part of a `User`). */
import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { User, UserCreate, UserUpdate } from '#generated/models.js';

const hash = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

interface Account {
  user: User;
  salt: Buffer;
  hash: Buffer;
}

export class UserStore {
  readonly #accounts = new Map<string, Account>();

  /** The new user, or undefined when the e-mail is taken. A new account is a customer's. */
  async create({ password, role: _role, ...fields }: UserCreate): Promise<User | undefined> {
    if (this.byEmail(fields.email)) return undefined;
    const user: User = { ...fields, id: randomUUID(), role: 'customer', createdAt: new Date().toISOString() };
    const salt = randomBytes(16);
    this.#accounts.set(user.id, { user, salt, hash: await hash(password, salt, 32) });
    return user;
  }

  get(id: string): User | undefined {
    return this.#accounts.get(id)?.user;
  }

  /** Every user, oldest first. */
  list(): User[] {
    return [...this.#accounts.values()].map((account) => account.user);
  }

  async update(id: string, { password, ...fields }: UserUpdate): Promise<User | undefined> {
    const account = this.#accounts.get(id);
    if (!account) return undefined;
    account.user = { ...account.user, ...fields };
    if (password !== undefined) account.hash = await hash(password, account.salt, 32);
    return account.user;
  }

  /** The user with this e-mail and password; undefined for a wrong one (costing the same scrypt). */
  async verify(email: string, password: string): Promise<User | undefined> {
    const account = this.byEmail(email);
    const computed = await hash(password, account?.salt ?? Buffer.alloc(16), 32);
    return account && timingSafeEqual(computed, account.hash) ? account.user : undefined;
  }

  private byEmail(email: string): Account | undefined {
    const wanted = email.toLowerCase();
    return [...this.#accounts.values()].find((account) => account.user.email.toLowerCase() === wanted);
  }
}
