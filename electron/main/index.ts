/**
 * The Electron shell: lifecycle, the window, security settings, the tray, notifications, the login
 * item and updates, and the bridge from ipcMain to the core. No domain logic here: everything is
 * in electron/core, which also runs without Electron.
 */
import { app, BrowserWindow, protocol, screen, session } from 'electron';
import { readFile } from 'node:fs/promises';
import { createCore, type Core } from '../core/app';
import { KeytarSecretStore } from '../core/secrets/keytar-store';
import type { Settings } from '../../shared/model';
import { createElectronStores, type ElectronStores } from './settings';
import { registerIpc } from './ipc';
import { wireNotifications } from './notifications';
import { CONTENT_SECURITY_POLICY } from '../web/csp';
import { rendererContentType, rendererFileFor, RENDERER_ENTRY, RENDERER_SCHEME } from '../core/security/renderer-origin';
import { appFile } from './app-files';
import { guardWebContents, hardenSession } from './security';
import { initialBounds, trackWindowState } from './window-state';
import { createTray, type ParvisTray } from './tray';
import { shellStrings } from './shell-strings';
import { applyOpenAtLogin, startedAtLogin } from './login-item';
import { createAutoUpdates } from './updater';

/**
 * electron-vite's dev server, in development only: in a packaged app an environment variable must
 * not choose the page that gets the bridge to the core.
 */
const devServerUrl: string | undefined = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;

let core: Core | null = null;
let stores: ElectronStores | null = null;
let mainWindow: BrowserWindow | null = null;
let tray: ParvisTray | null = null;
let unread = 0;
/** True once the user quits for real (tray menu, Cmd+Q, the OS): the window then closes. */
let quitting = false;
const updates = createAutoUpdates((message) => console.warn(`[parvis] ${message}`));

async function serveRenderer(request: Request): Promise<Response> {
  const file = rendererFileFor(request.url, appFile(app.getAppPath(), 'rendererDir'));
  const type = file ? rendererContentType(file) : null;
  if (!file || !type) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      headers: { 'Content-Type': type, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

function settings(): Settings {
  if (!stores) throw new Error('The settings are read once the app is ready.');
  return stores.settings.get();
}

function createWindow(options: { show: boolean }): BrowserWindow {
  const place = initialBounds(stores!.windowState, screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...place.bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Parvis',
    icon: appFile(app.getAppPath(), 'icon'),
    webPreferences: {
      // electronegativity-justified PRELOAD_JS_CHECK: sandboxed CommonJS preload, context isolation on,
      // exposing only the contract's allow-listed calls and events (never ipcRenderer itself).
      preload: appFile(app.getAppPath(), 'preload'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
      // A middle click on a link would open a new window: links open in the system browser only.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (place.maximized) win.maximize();
  trackWindowState(win, stores!.windowState);
  if (options.show) win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    // Kept in the tray: the window hides, the core keeps polling and notifying.
    if (!quitting && settings().keepRunningInTray) {
      event.preventDefault();
      win.hide();
    }
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(devServerUrl ?? RENDERER_ENTRY);
  return win;
}

/** Brings the window to the front, from the tray, a notification or a second start. */
function showWindow(): BrowserWindow {
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow({ show: true });
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
  return mainWindow;
}

function quit(): void {
  quitting = true;
  app.quit();
}

/** The tray exists while the user keeps Parvis running in it. */
function applyTray(s: Settings): void {
  if (s.keepRunningInTray && !tray) {
    tray = createTray({ iconPath: appFile(app.getAppPath(), 'icon'), strings: shellStrings(s.language, app.getLocale()), onShow: showWindow, onQuit: quit });
    tray.setUnread(unread);
  } else if (!s.keepRunningInTray && tray) {
    tray.destroy();
    tray = null;
  }
}

/** A desktop setting changed in the settings screen: apply it at once. */
function onSettingsChanged(next: Settings, patch: Partial<Settings>): void {
  if (patch.openAtLogin !== undefined) applyOpenAtLogin(next.openAtLogin);
  if (patch.keepRunningInTray !== undefined) applyTray(next);
  if (patch.language !== undefined) tray?.setStrings(shellStrings(next.language, app.getLocale()));
  if (patch.autoUpdate !== undefined) updates.setEnabled(next.autoUpdate);
}

function onReady(): void {
  const defaultSession = session.defaultSession;
  hardenSession(defaultSession);
  protocol.handle(RENDERER_SCHEME, serveRenderer);

  stores = createElectronStores(onSettingsChanged);
  core = createCore({
    dataDir: app.getPath('userData'),
    secrets: new KeytarSecretStore(),
    settings: stores.settings,
    shell: 'electron',
    systemLocale: app.getLocale(),
    // Every network of this build; developer apps come from the keychain, the environment or the build.
    networks: {},
    mediaScreening: true,
  });
  const s = settings();
  applyTray(s);
  // Started at login with the tray on: stay there until the user opens the window.
  mainWindow = createWindow({ show: !(s.keepRunningInTray && startedAtLogin()) });
  registerIpc(core, () => mainWindow, devServerUrl);
  wireNotifications(core, {
    getWindow: () => mainWindow,
    showWindow,
    onUnreadCount: (count) => {
      unread = count;
      tray?.setUnread(count);
    },
    shippedRuleName: (id) => shellStrings(settings().language, app.getLocale()).shippedRuleName(id),
  });
  // The OS may have lost the login item (reinstalled app, moved AppImage): state it again.
  if (s.openAtLogin) applyOpenAtLogin(true);
  updates.setEnabled(s.autoUpdate);

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 || !mainWindow?.isVisible()) showWindow();
  });
}

// One Parvis at a time: two cores on one profile would poll twice and fight over the database.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (app.isReady()) showWindow();
  });

  // A standard, secure scheme: the renderer gets a real origin (app://parvis) for its ES modules and
  // its CSP 'self', without the file:// privileges the fuses take away.
  protocol.registerSchemesAsPrivileged([{ scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  app.enableSandbox();

  // Every web contents, whatever created it.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, devServerUrl));

  void app.whenReady().then(onReady);

  app.on('before-quit', () => {
    quitting = true;
  });

  app.on('window-all-closed', () => {
    // With the tray on, the window only hides, so this means the user closed Parvis.
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', (event) => {
    updates.stop();
    if (!core) return;
    // Let the scheduler and the outbox stop cleanly (a poll's page is committed or not at all).
    event.preventDefault();
    const closing = core;
    core = null;
    void closing.close().finally(() => app.quit());
  });
}
