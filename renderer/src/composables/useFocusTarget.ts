import { nextTick, watch, type Ref } from 'vue';
import { useUiStore, type FocusTarget } from '../stores/ui';

/**
 * Makes `element` the place for focus requests to `target`: it takes focus when asked, or as soon
 * as it appears if the request came before it existed (e.g. "r" before the conversation loaded,
 * or the next conversation replacing the one just marked done).
 */
export function useFocusTarget(target: FocusTarget, element: Ref<HTMLElement | null>, focus: (el: HTMLElement) => void = (el) => el.focus()): void {
  const ui = useUiStore();
  watch(
    [() => ui.focusRequest, element],
    async ([request]) => {
      if (request.target !== target) return;
      await nextTick();
      // The element may have been replaced while the DOM updated: the request then waits for the new one.
      const el = element.value;
      if (!el?.isConnected || ui.focusRequest.seq !== request.seq) return;
      focus(el);
      ui.focusTaken(request.seq);
    },
    { immediate: true },
  );
}
