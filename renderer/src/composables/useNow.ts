import { onScopeDispose, ref, type Ref } from 'vue';

const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

/** How often relative times ("2 min") move on. */
const TICK_MS = 30_000;

/** A shared clock for relative times: one timer for the whole app, running while anyone uses it. */
export function useNow(): Readonly<Ref<number>> {
  users += 1;
  if (timer === null) {
    now.value = Date.now();
    timer = setInterval(() => {
      now.value = Date.now();
    }, TICK_MS);
  }
  onScopeDispose(() => {
    users -= 1;
    if (users === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  });
  return now;
}
