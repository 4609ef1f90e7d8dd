import type { UserCreate } from '../../../generated/models.js';

// A second, hand-written User: reported.
export interface User {
  id: string;
  email: string;
}

export function toUser(input: UserCreate): User {
  return { id: 'u1', email: input.email };
}
