/**
 * Who a request comes from, per security scheme of the spec. Every controller's
 * `context.principals.<scheme>` has these types.
 */
import type { User } from '#generated/models.js';

/** `Authorization: Bearer <token>` (users, orders): a signed-in customer, from a token users issued. */
export interface Customer {
  userId: string;
  role: User['role'];
}

declare module '@specfirst/runtime' {
  interface Principals {
    bearer: Customer;
    /** `X-API-Key` (orders): a trusted client, such as a back office, that acts for any customer. */
    apiKey: { client: 'api-key' };
    /** `X-Internal-Token` (billing): another service of the shop. */
    internal: { client: 'internal' };
  }
}
