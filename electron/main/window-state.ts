/**
 * The window's size and position, remembered between runs (in electron-store, beside the
 * settings), and put back only where a display still shows it: a window saved on a monitor that
 * has since been unplugged opens at the default place instead of off screen.
 *
 * Written here rather than with electron-window-state (unmaintained since 2019, no types, no
 * validation of what it reads back): the whole job is a zod schema and one intersection test.
 */
import { z } from 'zod';
import type { BrowserWindow, Rectangle } from 'electron';

export const WindowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(100_000),
  height: z.number().int().min(200).max(100_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

export const DEFAULT_WINDOW_SIZE = { width: 1360, height: 860 } as const;

export interface WindowStateBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

const KEY = 'windowState';

/** At least this much of the window's title bar must lie on a display for the place to be kept. */
const MIN_VISIBLE = 48;

function visibleOn(bounds: Rectangle, workAreas: readonly Rectangle[]): boolean {
  return workAreas.some((area) => {
    const width = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const top = bounds.y >= area.y && bounds.y < area.y + area.height;
    return width >= MIN_VISIBLE && top;
  });
}

/** Where the window opens: the saved place if a display shows it, else the default size, centred. */
export function initialBounds(backend: WindowStateBackend, workAreas: readonly Rectangle[]): { bounds: Partial<Rectangle>; maximized: boolean } {
  const saved = WindowState.safeParse(backend.get(KEY));
  if (!saved.success) return { bounds: { ...DEFAULT_WINDOW_SIZE }, maximized: false };
  const { maximized, ...bounds } = saved.data;
  if (!visibleOn(bounds, workAreas)) return { bounds: { width: bounds.width, height: bounds.height }, maximized };
  return { bounds, maximized };
}

/** Saves the window's place when it moves or resizes (once it settles) and when it closes. */
export function trackWindowState(win: BrowserWindow, backend: WindowStateBackend): void {
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (win.isDestroyed() || win.isMinimized()) return;
    const maximized = win.isMaximized();
    // Maximized or full screen, the normal bounds are the ones to come back to.
    const bounds = maximized || win.isFullScreen() ? win.getNormalBounds() : win.getBounds();
    backend.set(KEY, WindowState.parse({ ...bounds, maximized }));
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 400);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event as 'resize', later);
  win.on('close', save);
}
