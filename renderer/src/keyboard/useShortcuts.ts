import { onBeforeUnmount, onMounted } from 'vue';
import type { Commands } from '../composables/commands';
import { useConversationStore } from '../stores/conversation';
import { useInboxStore } from '../stores/inbox';
import { useUiStore } from '../stores/ui';
import { bindingsOf, chordOf, isTypingTarget, SequenceMatcher } from './chord';
import { KEY_SCOPES, KEYMAP, type CommandId, type KeyScope } from './keymap';

const BINDINGS = Object.fromEntries(
  KEY_SCOPES.map((scope) => [scope, bindingsOf(KEYMAP.filter((s) => s.scopes.includes(scope)))]),
) as Record<KeyScope, ReturnType<typeof bindingsOf<CommandId>>>;

/** Where an element sits: one of the screens, the conversation pane, or the list. */
export function areaOf(target: EventTarget | null): 'list' | 'conversation' | 'screen' {
  const element = target instanceof Element ? target : null;
  if (element?.closest('[data-key-scope="screen"]')) return 'screen';
  return element?.closest('[data-key-scope="conversation"]') ? 'conversation' : 'list';
}

/**
 * The shortcut scope of the focused element. In the review queue (the "Held for review" view)
 * both panes share the review scope, so its keys work wherever focus is in the inbox.
 */
export function scopeOf(target: EventTarget | null, reviewing = false): KeyScope {
  const area = areaOf(target);
  return reviewing && area !== 'screen' ? 'review' : area;
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
    // Focus can sit on the page itself for a moment (the focused control was just removed): keys
    // then belong to the screen on display, not to the hidden inbox list.
    const inScope = event.target instanceof Element && event.target.closest('[data-key-scope]') !== null;
    const scope = !inScope && ui.screen !== 'inbox' ? 'screen' : scopeOf(event.target, ui.reviewing);
    if (chord === 'Mod+k') {
      event.preventDefault();
      commands.run('palette.open', scope);
      return;
    }
    if (isTypingTarget(event.target)) {
      if (chord === 'Escape') {
        event.preventDefault();
        (event.target as HTMLElement).blur();
        const area = areaOf(event.target);
        if (area === 'screen') ui.requestFocus('screen');
        else ui.requestFocus(area === 'conversation' && conversation.openId !== null ? 'conversation' : 'list');
      }
      return;
    }
    if (activatesControl(chord, event.target)) return;
    if (chord === 'Escape') {
      matcher.reset();
      if (scope === 'screen') {
        event.preventDefault();
        commands.run('screen.close', scope);
      } else if (inbox.selected.size > 0) {
        event.preventDefault();
        inbox.clearSelection();
      } else if (areaOf(event.target) === 'conversation') {
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
