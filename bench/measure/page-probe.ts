/**
 * The instrumentation the bench installs in the renderer's page before it loads. It is plain
 * JavaScript kept as text: the bench is type-checked without the DOM library, and a function
 * passed to Playwright would carry the bundler's helpers into the page.
 *
 * It exposes `window.__parvisBench` with:
 * - `firstRowAt`: ms since navigation start when the inbox list first showed a row, taken after
 *   the next paint;
 * - `startKeys(keys)`: from then on, a press of one of `keys` is timed from the capturing keydown
 *   listener (before the app sees the key) to the paint after the first DOM change in the list;
 * - `samples`, `timeouts`, `done`: the timed presses, the presses nothing in the list answered
 *   within a second, and both together;
 * - `quiet(ms)`: resolves once the list has not changed for `ms` (so a late re-render of one
 *   press is not taken for the answer to the next);
 * - `scrollRows(target, idleMs)`: scrolls the list down until row `target` was shown or nothing
 *   new came for `idleMs`; answers how far it got and how rows were counted (`aria-posinset`,
 *   else distinct row ids, else scroll height over row height).
 *
 * - `waitFirstRow(ms)`, `waitDone(n, ms)`: promises for the above (the page's CSP forbids the
 *   string evaluation Playwright's waitForFunction would need);
 * - `focusList()`: focuses the list, where j/k/e apply.
 *
 * The inbox list is the listbox with `data-key-scope="list"` (renderer/src/components/inbox/
 * ConversationList.vue), else the first `[role="listbox"]` outside a dialog (pickers and the
 * palette are listboxes in dialogs); its rows are `[role="option"]`, identified by
 * `data-conversation-id`.
 */
export const INBOX_LIST_SELECTOR = '[role="listbox"][data-key-scope="list"]';
export const ANY_LIST_SELECTOR = '[role="listbox"]';
export const INBOX_ROW_SELECTOR = '[role="option"]';

export const PAGE_PROBE_SCRIPT = String.raw`
(() => {
  const LIST = ${JSON.stringify(INBOX_LIST_SELECTOR)};
  const ANY_LIST = ${JSON.stringify(ANY_LIST_SELECTOR)};
  const ROW = ${JSON.stringify(INBOX_ROW_SELECTOR)};
  const findList = () =>
    document.querySelector(LIST) || [...document.querySelectorAll(ANY_LIST)].find((el) => !el.closest('[role="dialog"]')) || null;
  const waitFor = (test, ms) => new Promise((resolve) => {
    const started = performance.now();
    const check = () => {
      const value = test();
      if (value !== null) resolve(value);
      else if (performance.now() - started > ms) resolve(null);
      else setTimeout(check, 10);
    };
    check();
  });
  // After the next paint: a frame, then a task queued from inside it.
  const afterPaint = (fn) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => fn(performance.now());
    channel.port2.postMessage(null);
  });
  const state = {
    firstRowAt: null,
    samples: [],
    timeouts: 0,
    done: 0,
    lastChangeAt: 0,
    keys: null,
    pending: null,
  };
  window.__parvisBench = state;

  const firstRows = new MutationObserver(() => {
    const list = findList();
    if (!list || !list.querySelector(ROW)) return;
    firstRows.disconnect();
    afterPaint((t) => { state.firstRowAt = t; });
  });
  firstRows.observe(document, { childList: true, subtree: true });

  let listObserver = null;
  const watchList = () => {
    const list = findList();
    if (!list || listObserver) return list;
    listObserver = new MutationObserver(() => {
      state.lastChangeAt = performance.now();
      const pending = state.pending;
      if (!pending) return;
      state.pending = null;
      clearTimeout(pending.timer);
      afterPaint((t) => {
        state.samples.push({ key: pending.key, ms: t - pending.t0 });
        state.done++;
      });
    });
    listObserver.observe(list, { subtree: true, childList: true, attributes: true, characterData: true });
    state.lastChangeAt = performance.now();
    return list;
  };

  window.addEventListener('keydown', (event) => {
    if (!state.keys || !state.keys.includes(event.key) || state.pending) return;
    const pending = { key: event.key, t0: performance.now(), timer: 0 };
    pending.timer = setTimeout(() => {
      if (state.pending !== pending) return;
      state.pending = null;
      state.timeouts++;
      state.done++;
    }, 1000);
    state.pending = pending;
  }, { capture: true });

  state.waitFirstRow = (ms) => waitFor(() => state.firstRowAt, ms);
  state.waitDone = (n, ms) => waitFor(() => (state.done >= n ? state.done : null), ms);
  state.focusList = () => {
    const list = findList();
    if (list) list.focus();
    return Boolean(list);
  };

  state.startKeys = (keys) => {
    watchList();
    state.keys = keys;
    state.samples = [];
    state.timeouts = 0;
    state.done = 0;
    return true;
  };

  state.quiet = (ms) => new Promise((resolve) => {
    watchList();
    const started = performance.now();
    const check = () => {
      const now = performance.now();
      if (now - state.lastChangeAt >= ms || now - started > 3000) resolve(true);
      else setTimeout(check, Math.max(10, ms - (now - state.lastChangeAt)));
    };
    check();
  });

  const scrollerOf = (list) => {
    for (let el = list; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) return el;
    }
    return document.scrollingElement;
  };
  const rowKey = (row) =>
    row.getAttribute('data-conversation-id') || row.getAttribute('data-id') || row.getAttribute('aria-posinset') || row.id || null;

  state.scrollRows = (target, idleMs) => new Promise((resolve) => {
    const list = findList();
    if (!list) { resolve({ rows: 0, method: 'no list', ms: 0 }); return; }
    const scroller = scrollerOf(list);
    const seen = new Set();
    let furthest = 0;
    let estimated = 0;
    let lastGrowth = performance.now();
    let lastCount = -1;
    const started = performance.now();
    const step = () => {
      const rows = list.querySelectorAll(ROW);
      let keyed = true;
      let height = 0;
      for (const row of rows) {
        const key = rowKey(row);
        if (key === null) keyed = false;
        else seen.add(key);
        furthest = Math.max(furthest, Number(row.getAttribute('aria-posinset')) || 0);
        height = Math.max(height, row.getBoundingClientRect().height);
      }
      if (!keyed && height > 0) estimated = Math.max(estimated, Math.round((scroller.scrollTop + scroller.clientHeight) / height));
      // Rows scrolled past: the furthest position reached when rows say theirs, else distinct rows.
      const count = furthest > 0 ? furthest : keyed ? seen.size : estimated;
      const now = performance.now();
      if (count > lastCount) { lastCount = count; lastGrowth = now; }
      if (count >= target || now - lastGrowth > idleMs) {
        resolve({ rows: count, method: furthest > 0 ? 'aria-posinset' : keyed ? 'row ids' : 'scroll height / row height', ms: now - started });
        return;
      }
      scroller.scrollTop = scroller.scrollTop + Math.max(scroller.clientHeight, 400);
      requestAnimationFrame(() => setTimeout(step, 0));
    };
    step();
  });
})();
`;
