import { onBeforeUnmount, onMounted } from 'vue';
import type { Commands } from '../composables/commands';
import { useConversationStore } from '../stores/conversation';
import { useInboxStore } from '../stores/inbox';
import { useUiStore } from '../stores/ui';
import { bindingsOf, chordOf, isTypingTarget, SequenceMatcher } from './chord';
import { KEYMAP, type CommandId, type KeyScope } from './keymap';

const BINDINGS: Record<KeyScope, ReturnType<typeof bindingsOf<CommandId>>> = {
  list: bindingsOf(KEYMAP.filter((s) => s.scopes.includes('list'))),
  conversation: bindingsOf(KEYMAP.filter((s) => s.scopes.includes('conversation'))),
};

/** The shortcut scope of the focused element: inside the conversation pane or not. */
export function scopeOf(target: EventTarget | null): KeyScope {
  const element = target instanceof Element ? target : null;
  return element?.closest('[data-key-scope="conversation"]') ? 'conversation' : 'list';
}

/** Keys that activate the focused control (a button, a link): they are not shortcuts there. */
function activatesControl(chord: string, target: EventTarget | null): boolean {
  if (chord !== 'Enter' && chord !== 'Space') return false;
  return target instanceof Element && target.closest('button, a[href], summary, [role="button"], [role="option"] button') !== null;
}

/**
 * Installs the window key handler: chords are matched against the keymap for the focused scope.
 * Shortcuts never fire while typing; while an overlay is open it handles its own keys.
 */
export function useShortcuts(commands: Commands): void {
  const ui = useUiStore();
  const inbox = useInboxStore();
  const conversation = useConversationStore();
  const matcher = new SequenceMatcher<CommandId>();

  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.isComposing) return;
    const chord = chordOf(event);
    if (!chord) return;
    if (ui.overlay !== null) {
      matcher.reset();
      return;
    }
    const scope = scopeOf(event.target);
    if (chord === 'Mod+k') {
      event.preventDefault();
      commands.run('palette.open', scope);
      return;
    }
    if (isTypingTarget(event.target)) {
      if (chord === 'Escape') {
        event.preventDefault();
        (event.target as HTMLElement).blur();
        ui.requestFocus(scope === 'conversation' && conversation.openId !== null ? 'conversation' : 'list');
      }
      return;
    }
    if (activatesControl(chord, event.target)) return;
    if (chord === 'Escape') {
      matcher.reset();
      if (inbox.selected.size > 0) {
        event.preventDefault();
        inbox.clearSelection();
      } else if (scope === 'conversation') {
        event.preventDefault();
        commands.run('conversation.back', scope);
      }
      return;
    }
    const result = matcher.feed(chord, performance.now(), BINDINGS[scope]);
    if (result.kind === 'none') return;
    event.preventDefault();
    if (result.kind === 'command') commands.run(result.command, scope);
  }

  onMounted(() => window.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown));
}
