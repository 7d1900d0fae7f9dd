/**
 * Test code only: a stand-in for the `electron` module (and for electron-store and
 * electron-updater, which import `electron` themselves), so that electron/main and the preload
 * load and run in plain Node where the Electron binary cannot be had. It records what the shell
 * asks of Electron (window options, session handlers, IPC registrations, what the preload exposes,
 * tray, notifications, login item, badge) and lets a test act as Electron and the user would
 * (make the app ready, close a window, click a notification, start a second instance).
 *
 * It follows Electron's documented behaviour where the shell depends on it: a second
 * `ipcMain.handle` on one channel throws, a new BrowserWindow emits `web-contents-created`,
 * `close` can be prevented, `app.quit()` emits `before-quit` and `will-quit` (preventable).
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An event a handler may cancel, as Electron passes to will-navigate, close, will-quit... */
export function cancellable(): { defaultPrevented: boolean; preventDefault(): void } {
  const event = { defaultPrevented: false, preventDefault: () => void (event.defaultPrevented = true) };
  return event;
}

export const recorded = {
  windows: [] as StandInBrowserWindow[],
  ipcHandlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  exposed: new Map<string, unknown>(),
  invoked: [] as { channel: string; args: unknown[] }[],
  rendererListeners: new Map<string, Set<(...args: unknown[]) => void>>(),
  openedExternally: [] as string[],
  permissionRequestHandler: null as null | ((wc: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void),
  permissionCheckHandler: null as null | ((wc: unknown, permission: string) => boolean),
  headersReceived: null as null | ((details: { responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders?: Record<string, string[]> }) => void) => void),
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  privilegedSchemes: [] as unknown[],
  notifications: [] as StandInNotification[],
  trays: [] as StandInTray[],
  badgeCounts: [] as number[],
  loginItemSettings: [] as unknown[],
  quitRequests: 0,
  sandboxEnabled: false,
  updateChecks: 0,
};

let nextWebContentsId = 1;

export class StandInWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  url = '';
  readonly mainFrame = { url: '' };
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  loading = false;
  destroyed = false;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  isLoading(): boolean {
    return this.loading;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
}

export class StandInBrowserWindow extends EventEmitter {
  readonly webContents = new StandInWebContents();
  bounds: Rect;
  normalBounds: Rect;
  visible = false;
  focused = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  title = '';
  constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> }) {
    super();
    const o = options as Partial<Rect>;
    this.bounds = { x: o.x ?? 100, y: o.y ?? 80, width: o.width ?? 800, height: o.height ?? 600 };
    this.normalBounds = { ...this.bounds };
    recorded.windows.push(this);
    app.emit('web-contents-created', cancellable(), this.webContents);
  }
  static getAllWindows(): StandInBrowserWindow[] {
    return recorded.windows.filter((w) => !w.destroyed);
  }
  loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
    this.minimized = false;
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
  }
  focus(): void {
    this.focused = true;
  }
  blur(): void {
    this.focused = false;
  }
  restore(): void {
    this.minimized = false;
  }
  minimize(): void {
    this.minimized = true;
  }
  maximize(): void {
    this.maximized = true;
    this.emit('maximize');
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isFullScreen(): boolean {
    return false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  getBounds(): Rect {
    return { ...this.bounds };
  }
  getNormalBounds(): Rect {
    return { ...this.normalBounds };
  }
  /** The user drags or resizes the window. */
  setBounds(bounds: Rect): void {
    this.bounds = { ...bounds };
    this.normalBounds = { ...bounds };
    this.emit('move');
    this.emit('resize');
  }
  /** The user closes the window (a handler may keep it, as Electron allows). */
  close(): void {
    const event = cancellable();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.visible = false;
    this.emit('closed');
    if (StandInBrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
  }
}

export class StandInNotification extends EventEmitter {
  shown = false;
  static supported = true;
  constructor(readonly options: { title: string; body: string }) {
    super();
    recorded.notifications.push(this);
  }
  static isSupported(): boolean {
    return StandInNotification.supported;
  }
  show(): void {
    this.shown = true;
  }
}

interface MenuItem {
  label?: string;
  type?: string;
  click?: () => void;
}

export class StandInTray extends EventEmitter {
  tooltip = '';
  title = '';
  menu: MenuItem[] = [];
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    recorded.trays.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  setContextMenu(menu: { items: MenuItem[] }): void {
    this.menu = menu.items;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** The user picks a menu entry by its label. */
  pick(label: string): void {
    const item = this.menu.find((i) => i.label === label);
    if (!item?.click) throw new Error(`No tray menu entry "${label}" in ${JSON.stringify(this.menu.map((i) => i.label))}`);
    item.click();
  }
}

let resolveReady: () => void = () => {};
let readyPromise = new Promise<void>((resolve) => (resolveReady = resolve));

const initialAppState = () => ({
  isPackaged: false,
  ready: false,
  quitted: false,
  singleInstanceLock: true,
  locale: 'en-US',
  appPath: join(import.meta.dirname, '..', '..', '..'),
  userData: '',
  wasOpenedAtLogin: false,
});
export const appState = initialAppState();

export const app = Object.assign(new EventEmitter(), {
  whenReady: () => readyPromise,
  isReady: () => appState.ready,
  requestSingleInstanceLock: () => appState.singleInstanceLock,
  enableSandbox: () => void (recorded.sandboxEnabled = true),
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`The stand-in knows only userData, not ${name}`);
    appState.userData ||= mkdtempSync(join(tmpdir(), 'parvis-shell-userdata-'));
    return appState.userData;
  },
  getAppPath: () => appState.appPath,
  getLocale: () => appState.locale,
  getVersion: () => '0.1.0',
  getName: () => 'Parvis',
  setBadgeCount(count: number): boolean {
    recorded.badgeCounts.push(count);
    return true;
  },
  setLoginItemSettings(settings: unknown): void {
    recorded.loginItemSettings.push(settings);
  },
  getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: appState.wasOpenedAtLogin }),
  /** Electron's sequence: before-quit, then will-quit (which a handler may prevent), then quit. */
  quit(): void {
    recorded.quitRequests += 1;
    if (appState.quitted) return;
    app.emit('before-quit', cancellable());
    const willQuit = cancellable();
    app.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    appState.quitted = true;
    app.emit('quit');
  },
});

// A getter, so that a test can package the app before the shell loads (Object.assign would copy a value).
Object.defineProperty(app, 'isPackaged', { get: () => appState.isPackaged });

/** Electron makes the app ready: runs the shell's whenReady continuation. */
export async function makeReady(): Promise<void> {
  appState.ready = true;
  resolveReady();
  app.emit('ready');
  // Let the `.then` after whenReady run.
  await new Promise((resolve) => setImmediate(resolve));
}

export const ipcMain = {
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
    // Electron: "Attempted to register a second handler for '<channel>'".
    if (recorded.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    recorded.ipcHandlers.set(channel, handler);
  },
};

export const ipcRenderer = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    recorded.invoked.push({ channel, args });
    return Promise.resolve({ ok: true, value: { channel } });
  },
  on(channel: string, listener: (...args: unknown[]) => void): void {
    const set = recorded.rendererListeners.get(channel) ?? new Set();
    set.add(listener);
    recorded.rendererListeners.set(channel, set);
  },
  removeListener(channel: string, listener: (...args: unknown[]) => void): void {
    recorded.rendererListeners.get(channel)?.delete(listener);
  },
};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    if (recorded.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
    recorded.exposed.set(key, api);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: typeof recorded.permissionRequestHandler): void {
      recorded.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: typeof recorded.permissionCheckHandler): void {
      recorded.permissionCheckHandler = handler;
    },
    webRequest: {
      onHeadersReceived(handler: typeof recorded.headersReceived): void {
        recorded.headersReceived = handler;
      },
    },
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    recorded.privilegedSchemes.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    recorded.protocolHandlers.set(scheme, handler);
  },
};

export const shell = {
  openExternal(url: string): Promise<void> {
    recorded.openedExternally.push(url);
    return Promise.resolve();
  },
};

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays() {
    return screen.displays;
  },
};

export const Menu = {
  buildFromTemplate: (items: MenuItem[]) => ({ items }),
};

export const nativeImage = {
  createFromPath: (path: string) => {
    const image = { path, size: null as null | { width: number; height: number }, resize: (size: { width: number; height: number }) => ({ ...image, size }) };
    return image;
  },
};

/** The module the shell imports as `electron` (tests reach the stand-in through `standIn`). */
export const electronModule = {
  app,
  BrowserWindow: StandInBrowserWindow,
  Notification: StandInNotification,
  Tray: StandInTray,
  Menu,
  nativeImage,
  ipcMain,
  ipcRenderer,
  contextBridge,
  session,
  protocol,
  shell,
  screen,
};

/** electron-store: the data of each store by name, kept in memory (seed it to act as a saved file). */
export const storeFiles = new Map<string, Map<string, unknown>>();

export class StandInStore {
  private readonly data: Map<string, unknown>;
  constructor(options: { name?: string } = {}) {
    const name = options.name ?? 'config';
    this.data = storeFiles.get(name) ?? new Map();
    storeFiles.set(name, this.data);
  }
  get(key: string): unknown {
    return structuredClone(this.data.get(key));
  }
  set(key: string, value: unknown): void {
    this.data.set(key, structuredClone(value));
  }
}

/** electron-updater: counts checks; never reaches a network. */
export const updaterModule = {
  default: {
    autoUpdater: {
      checkForUpdatesAndNotify(): Promise<null> {
        recorded.updateChecks += 1;
        return Promise.resolve(null);
      },
    },
  },
};

/**
 * A new run of the app: forgets everything recorded and every listener, as a fresh process would.
 * (vitest keeps a mocked module across vi.resetModules, so the shell's modules are reloaded while
 * this one instance is reset.)
 */
export function resetStandIn(): void {
  const initial = { ...recorded };
  for (const [key, value] of Object.entries(initial)) {
    if (Array.isArray(value)) value.length = 0;
    else if (value instanceof Map) value.clear();
    else if (typeof value === 'number') (recorded as Record<string, unknown>)[key] = 0;
    else if (typeof value === 'boolean') (recorded as Record<string, unknown>)[key] = false;
    else (recorded as Record<string, unknown>)[key] = null;
  }
  Object.assign(appState, initialAppState());
  app.removeAllListeners();
  readyPromise = new Promise<void>((resolve) => (resolveReady = resolve));
  storeFiles.clear();
  StandInNotification.supported = true;
}
