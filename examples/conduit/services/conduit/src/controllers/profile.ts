/** Profiles, and following their users. */
import type { OperationContext } from '@specfirst/runtime';
import {
  followUserByUsernameReply,
  getProfileByUsernameReply,
  unfollowUserByUsernameReply,
  type FollowUserByUsernameRequest,
  type FollowUserByUsernameResult,
  type GetProfileByUsernameRequest,
  type GetProfileByUsernameResult,
  type ProfileController,
  type UnfollowUserByUsernameRequest,
  type UnfollowUserByUsernameResult,
} from '#generated/routers/conduit/profile.js';
import type { Dependencies } from '../dependencies.js';
import { errorBody, found, pointingAt } from '../errors.js';

export class ProfileControllerImpl implements ProfileController {
  constructor(private readonly deps: Dependencies) {}

  async getProfileByUsername(
    { params }: GetProfileByUsernameRequest,
    context: OperationContext<'Token'>,
  ): Promise<GetProfileByUsernameResult> {
    const profile = found(
      await this.deps.users.profile(params.username, context.principals.Token?.userId),
      `profile ${params.username}`,
    );
    return getProfileByUsernameReply.ok({ profile });
  }

  async followUserByUsername(
    { params }: FollowUserByUsernameRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<FollowUserByUsernameResult> {
    const { userId } = context.principals.Token;
    const target = found(await this.deps.users.byUsername(params.username), `profile ${params.username}`);
    if (target.id === userId)
      return followUserByUsernameReply.unprocessableContent(errorBody('you cannot follow yourself'));
    await pointingAt(`profile ${params.username}`, this.deps.users.follow(userId, target.id));
    return followUserByUsernameReply.ok({
      profile: found(await this.deps.users.profile(target.username, userId), `profile ${params.username}`),
    });
  }

  async unfollowUserByUsername(
    { params }: UnfollowUserByUsernameRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<UnfollowUserByUsernameResult> {
    const { userId } = context.principals.Token;
    const target = found(await this.deps.users.byUsername(params.username), `profile ${params.username}`);
    await this.deps.users.unfollow(userId, target.id);
    return unfollowUserByUsernameReply.ok({
      profile: found(await this.deps.users.profile(target.username, userId), `profile ${params.username}`),
    });
  }
}
