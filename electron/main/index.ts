/**
 * The Electron shell: lifecycle, the window, security settings, and the bridge from ipcMain to the
 * core. No domain logic here: everything is in electron/core, which also runs without Electron.
 */
import { app, BrowserWindow, protocol, session, shell } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCore, type Core } from '../core/app';
import { KeytarSecretStore } from '../core/secrets/keytar-store';
import { createElectronSettingsStore } from './settings';
import { registerIpc } from './ipc';
import { wireNotifications } from './notifications';
import { CONTENT_SECURITY_POLICY } from '../web/csp';
import { isRendererUrl, rendererContentType, rendererFileFor, RENDERER_ENTRY, RENDERER_SCHEME } from '../core/security/renderer-origin';

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;

/**
 * electron-vite's dev server, in development only: in a packaged app an environment variable must
 * not choose the page that gets the bridge to the core.
 */
const devServerUrl: string | undefined = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;

/** Only http(s) links leave the app, and only to the system browser; never with credentials in them. */
export function isExternalHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** The one place a link leaves the app: checked, then handed to the system browser. */
function openInBrowser(url: string): void {
  // electronegativity-justified OPEN_EXTERNAL_JS_CHECK: the only call site; http(s) URLs without
  // credentials only (isExternalHttpUrl), so no file:, smb: or custom-protocol handler is reachable.
  if (isExternalHttpUrl(url)) void shell.openExternal(url);
}

/** The built renderer (out/renderer), served as app://parvis/ (see core/security/renderer-origin). */
const rendererDir = join(__dirname, '../renderer');

async function serveRenderer(request: Request): Promise<Response> {
  const file = rendererFileFor(request.url, rendererDir);
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

// A standard, secure scheme: the renderer gets a real origin (app://parvis) for its ES modules and
// its CSP 'self', without the file:// privileges the fuses take away.
protocol.registerSchemesAsPrivileged([{ scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Parvis',
    icon: join(__dirname, '../../resources/icon.png'),
    webPreferences: {
      // electronegativity-justified PRELOAD_JS_CHECK: sandboxed CommonJS preload, context isolation on,
      // exposing only the contract's allow-listed calls and events (never ipcRenderer itself).
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: true,
      // A middle click on a link would open a new window: links open in the system browser only.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    openInBrowser(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) {
      event.preventDefault();
      openInBrowser(url);
    }
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  void win.loadURL(devServerUrl ?? RENDERER_ENTRY);
  return win;
}

app.enableSandbox();

void app.whenReady().then(() => {
  // Deny every permission request (camera, notifications through the web API, geolocation...).
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  protocol.handle(RENDERER_SCHEME, serveRenderer);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  core = createCore({
    dataDir: app.getPath('userData'),
    secrets: new KeytarSecretStore(),
    settings: createElectronSettingsStore(),
    shell: 'electron',
    systemLocale: app.getLocale(),
    // Every network of this build; developer apps come from the keychain, the environment or the build.
    networks: {},
    mediaScreening: true,
  });
  mainWindow = createWindow();
  registerIpc(core, () => mainWindow, devServerUrl);
  wireNotifications(core, () => mainWindow);

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

// Every web contents, whatever created it: no navigation away from the renderer, no new windows.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isRendererUrl(url, devServerUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openInBrowser(url);
    return { action: 'deny' };
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', (event) => {
  if (!core) return;
  // Let the scheduler and the outbox stop cleanly (a poll's page is committed or not at all).
  event.preventDefault();
  const closing = core;
  core = null;
  void closing.close().finally(() => app.quit());
});
