/** The team's shared things: tags, members, saved replies and saved views. */
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

type WorkspaceCalls =
  | 'tags.list'
  | 'tags.create'
  | 'tags.rename'
  | 'tags.recolor'
  | 'tags.delete'
  | 'members.list'
  | 'members.create'
  | 'members.rename'
  | 'members.delete'
  | 'savedReplies.list'
  | 'savedReplies.create'
  | 'savedReplies.update'
  | 'savedReplies.delete'
  | 'views.list'
  | 'views.create'
  | 'views.update'
  | 'views.delete';

export function workspaceHandlers(s: CoreServices): DomainHandlers<WorkspaceCalls> {
  const { tags, members, savedReplies, views } = s.workspace;
  return {
    'tags.list': () => tags.list(),
    'tags.create': ({ name, color }) => tags.create(name, color),
    'tags.rename': ({ tagId, name }) => tags.rename(tagId, name),
    'tags.recolor': ({ tagId, color }) => tags.recolor(tagId, color),
    'tags.delete': ({ tagId }) => {
      tags.delete(tagId);
      s.changed(undefined, 'triage');
      return { ok: true as const };
    },
    'members.list': () => members.list(),
    'members.create': ({ name }) => members.create(name),
    'members.rename': ({ memberId, name }) => members.rename(memberId, name),
    'members.delete': ({ memberId }) => {
      members.delete(memberId);
      s.changed(undefined, 'triage');
      return { ok: true as const };
    },
    'savedReplies.list': () => savedReplies.list(),
    'savedReplies.create': ({ name, text, language, networks }) => savedReplies.create(name, text, { language: language ?? null, networks: networks ?? [] }),
    'savedReplies.update': ({ id, name, text, language, networks }) => savedReplies.update(id, name, text, { language: language ?? null, networks: networks ?? [] }),
    'savedReplies.delete': ({ id }) => {
      savedReplies.delete(id);
      return { ok: true as const };
    },
    'views.list': () => views.list(),
    'views.create': ({ name, filter }) => views.create(name, filter),
    'views.update': ({ id, ...patch }) => views.update(id, patch),
    'views.delete': ({ id }) => {
      views.delete(id);
      return { ok: true as const };
    },
  };
}
