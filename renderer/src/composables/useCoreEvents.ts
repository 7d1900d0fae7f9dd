import { onBeforeUnmount, watch } from 'vue';
import { api } from '../api';
import { useAccountsStore } from '../stores/accounts';
import { useAppStore } from '../stores/app';
import { useConversationStore } from '../stores/conversation';
import { useInboxStore } from '../stores/inbox';
import { useMembersStore } from '../stores/members';
import { useTagsStore } from '../stores/tags';
import { useViewsStore } from '../stores/views';

/** Change events arriving within this window cost one re-read (a sync writes in bursts). */
const COALESCE_MS = 120;

/**
 * Keeps the screen in step with the core: `inbox.changed` re-reads the list (patching rows),
 * the counts and the open conversation if it is concerned; `sync.status` updates accounts.
 * After the bridge reconnects, events may have been missed, so everything is re-read.
 */
export function useCoreEvents(): void {
  const inbox = useInboxStore();
  const views = useViewsStore();
  const conversation = useConversationStore();
  const accounts = useAccountsStore();
  const app = useAppStore();
  const tags = useTagsStore();
  const members = useMembersStore();

  /** Tags or teammates created elsewhere (another window, a rule) show up on rows: read them. */
  function readUnknownReferences(): void {
    const rows = [...inbox.items, ...(conversation.detail ? [conversation.detail.conversation] : [])];
    if (rows.some((row) => row.tagIds.some((id) => !tags.byId.has(id)))) void tags.load().catch(() => {});
    if (rows.some((row) => row.assigneeId !== null && !members.byId.has(row.assigneeId))) void members.load().catch(() => {});
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  let conversationConcerned = false;
  let accountsConcerned = false;

  function flush(): void {
    timer = null;
    void inbox.refresh().then(readUnknownReferences);
    views.refreshCountsSoon();
    if (conversationConcerned) void conversation.refresh().then(readUnknownReferences);
    if (accountsConcerned) void accounts.load().catch(() => {});
    conversationConcerned = false;
    accountsConcerned = false;
  }

  function schedule(): void {
    timer ??= setTimeout(flush, COALESCE_MS);
  }

  const off = [
    api.on('inbox.changed', (payload) => {
      const open = conversation.openId;
      if (open !== null && (!payload.conversationIds || payload.conversationIds.includes(open))) conversationConcerned = true;
      if (payload.reason === 'account') accountsConcerned = true;
      schedule();
    }),
    api.on('sync.status', (status) => accounts.applyStatus(status)),
  ];

  watch(
    () => app.connection,
    (state, before) => {
      if (state === 'open' && before === 'reconnecting') {
        conversationConcerned = true;
        accountsConcerned = true;
        schedule();
      }
    },
  );

  onBeforeUnmount(() => {
    for (const unsubscribe of off) unsubscribe();
    if (timer !== null) clearTimeout(timer);
  });
}
