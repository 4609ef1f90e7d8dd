/** The tags in use. */
import { getTagsReply, type GetTagsResult, type TagsController } from '#generated/routers/conduit/tags.js';
import type { Dependencies } from '../dependencies.js';

export class TagsControllerImpl implements TagsController {
  constructor(private readonly deps: Dependencies) {}

  async getTags(): Promise<GetTagsResult> {
    return getTagsReply.ok({ tags: await this.deps.articles.tags() });
  }
}
