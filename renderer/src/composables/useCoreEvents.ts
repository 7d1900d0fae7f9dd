import { onBeforeUnmount, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import type { EventPayload } from '../../../shared/contract';
import { notificationTitle } from '../../../shared/notifyTitle';
import type { Id } from '../../../shared/model';
import { api } from '../api';
import { useAccountsStore } from '../stores/accounts';
import { useAppStore } from '../stores/app';
import { useConversationStore } from '../stores/conversation';
import { useInboxStore } from '../stores/inbox';
import { useMembersStore } from '../stores/members';
import { useModerationStore } from '../stores/moderation';
import { useTagsStore } from '../stores/tags';
import { useToastsStore } from '../stores/toasts';
import { useViewsStore } from '../stores/views';
import type { Commands } from './commands';
import { showBrowserNotification } from './browserNotifications';

/** Change events arriving within this window cost one re-read (a sync writes in bursts). */
const COALESCE_MS = 120;

/**
 * Keeps the screen in step with the core: `inbox.changed` patches the rows it names (or re-reads
 * the list when it names none), the counts and the open conversation if it is concerned;
 * `sync.status` updates accounts; `notify` shows a toast (and a browser notification in web mode
 * when allowed); `conversation.open` shows the conversation a desktop notification was about.
 * After the bridge reconnects, events may have been missed, so everything is re-read.
 */
export function useCoreEvents(commands: Commands): void {
  const inbox = useInboxStore();
  const views = useViewsStore();
  const conversation = useConversationStore();
  const accounts = useAccountsStore();
  const moderation = useModerationStore();
  const app = useAppStore();
  const { t } = useI18n();
  const tags = useTagsStore();
  const members = useMembersStore();
  const toasts = useToastsStore();

  /** Tags or teammates created elsewhere (another window, a rule) show up on rows: read them. */
  function readUnknownReferences(): void {
    const rows = [...inbox.items, ...(conversation.detail ? [conversation.detail.conversation] : [])];
    if (rows.some((row) => row.tagIds.some((id) => !tags.byId.has(id)))) void tags.load().catch(() => {});
    if (rows.some((row) => row.assigneeId !== null && !members.byId.has(row.assigneeId))) void members.load().catch(() => {});
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  let conversationConcerned = false;
  let accountsConcerned = false;
  /** The conversations named since the last flush; null when an event named none (re-read all). */
  let changedIds: Set<Id> | null = new Set();

  function flush(): void {
    timer = null;
    const ids = changedIds;
    changedIds = new Set();
    const listDone = ids === null ? inbox.refresh() : inbox.patchFromSummaries([...ids]);
    void listDone.then(readUnknownReferences);
    views.refreshCountsSoon();
    if (conversationConcerned) void conversation.refresh().then(readUnknownReferences);
    if (accountsConcerned) {
      void accounts.load().catch(() => {});
      // A new or removed account may change what moderation the connected networks allow.
      void moderation.load().catch(() => {});
    }
    conversationConcerned = false;
    accountsConcerned = false;
  }

  function schedule(): void {
    timer ??= setTimeout(flush, COALESCE_MS);
  }

  function onChanged(payload: EventPayload<'inbox.changed'>): void {
    const open = conversation.openId;
    if (open !== null && (!payload.conversationIds || payload.conversationIds.includes(open))) conversationConcerned = true;
    if (payload.reason === 'account') accountsConcerned = true;
    if (!payload.conversationIds) changedIds = null;
    else if (changedIds) for (const id of payload.conversationIds) changedIds.add(id);
    schedule();
  }

  function onNotify(event: EventPayload<'notify'>): void {
    // A rule's notification names a shipped rule in the app's language, a user's rule as named.
    const payload = { ...event, title: notificationTitle(event, (id) => t(`rules.shippedNames.${id}`)) };
    toasts.push({
      messageKey: 'notify.toast',
      params: { title: payload.title, body: payload.body },
      tone: 'info',
      action: { labelKey: 'notify.open', run: () => commands.openConversation(payload.conversationId) },
    });
    if (app.info?.shell === 'web') showBrowserNotification(payload, () => commands.openConversation(payload.conversationId));
    // Web mode has no window badge: the tab's title carries the count.
    if (app.info?.shell === 'web') document.title = payload.unreadCount > 0 ? `(${payload.unreadCount}) Parvis` : 'Parvis';
  }

  // The tab's title follows the inbox's unread count (the core counts it) after any change, not only
  // when a notification fires. (The desktop app's main process sets its window title and badge.)
  watch(
    () => views.unreadConversations,
    (count) => {
      if (app.info?.shell === 'web' && count !== null) document.title = count > 0 ? `(${count}) Parvis` : 'Parvis';
    },
  );

  const off = [
    api.on('inbox.changed', onChanged),
    api.on('sync.status', (status) => accounts.applyStatus(status)),
    api.on('notify', onNotify),
    api.on('conversation.open', ({ conversationId }) => {
      window.focus();
      commands.openConversation(conversationId);
    }),
  ];

  watch(
    () => app.connection,
    (state, before) => {
      if (state === 'open' && before === 'reconnecting') {
        conversationConcerned = true;
        accountsConcerned = true;
        changedIds = null;
        schedule();
      }
    },
  );

  onBeforeUnmount(() => {
    for (const unsubscribe of off) unsubscribe();
    if (timer !== null) clearTimeout(timer);
  });
}
