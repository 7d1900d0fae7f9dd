/**
 * The Electron shell: lifecycle, the window, security settings, and the bridge from ipcMain to the
 * core. No domain logic here: everything is in electron/core, which also runs without Electron.
 */
import { app, BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { createCore, type Core } from '../core/app';
import { KeytarSecretStore } from '../core/secrets/keytar-store';
import { createNetworkRegistry, createSignInProviders, googleOAuthFromEnv } from '../core/connectors';
import { createElectronSettingsStore } from './settings';
import { registerIpc } from './ipc';
import { wireNotifications } from './notifications';
import { CONTENT_SECURITY_POLICY } from '../web/csp';

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;

/** Only http(s) links leave the app, and only to the system browser. */
export function isExternalHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

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
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalHttpUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) {
      event.preventDefault();
      if (isExternalHttpUrl(url)) void shell.openExternal(url);
    }
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
  return win;
}

app.enableSandbox();

void app.whenReady().then(() => {
  // Deny every permission request (camera, notifications through the web API, geolocation...).
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  core = createCore({
    dataDir: app.getPath('userData'),
    secrets: new KeytarSecretStore(),
    settings: createElectronSettingsStore(),
    shell: 'electron',
    systemLocale: app.getLocale(),
    registry: createNetworkRegistry({ googleOAuth: googleOAuthFromEnv() }),
    signIn: createSignInProviders({ googleOAuth: googleOAuthFromEnv() }),
  });
  mainWindow = createWindow();
  registerIpc(core, () => mainWindow);
  wireNotifications(core, () => mainWindow);

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith('file://') && !(process.env.ELECTRON_RENDERER_URL && url.startsWith(process.env.ELECTRON_RENDERER_URL))) {
      event.preventDefault();
    }
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
