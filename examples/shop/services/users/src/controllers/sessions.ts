import {
  createSessionReply,
  type CreateSessionRequest,
  type SessionsController,
} from '#generated/routers/users/sessions.js';
import { problem } from '../../../../lib/problems.js';
import { issueToken } from '../../../../lib/tokens.js';
import type { UserStore } from '../store.js';

/** How long a token is good for. */
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export class SessionsControllerImpl implements SessionsController {
  constructor(
    private readonly users: UserStore,
    private readonly secret: string,
  ) {}

  async createSession({ body }: CreateSessionRequest) {
    const user = await this.users.verify(body.email, body.password);
    if (!user) return createSessionReply.unauthorized(problem(401, 'Wrong e-mail or password'));
    const expiresAt = new Date(Date.now() + TOKEN_LIFETIME_MS);
    const token = issueToken({ userId: user.id, role: user.role }, expiresAt, this.secret);
    return createSessionReply.created({ token, expiresAt: expiresAt.toISOString() });
  }
}
