/**
 * The Electron shell (electron/main/index.ts and the preload) loaded against a stand-in for the
 * `electron` module: what it promises about security, IPC, single instance, tray, login item,
 * window place and updates, proven without the Electron binary.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, EVENT_NAMES, type ParvisApi } from '../../shared/contract';
import { makeCore } from '../core/testing/core-fixture';
import { startWebServer } from '../web/server';
import { CONTENT_SECURITY_POLICY } from '../web/csp';
import type * as StandIn from './testing/electron-stand-in';

vi.mock('electron', async () => {
  const standIn = await import('./testing/electron-stand-in');
  return { ...standIn.electronModule, standIn };
});
vi.mock('electron-store', async () => ({ default: (await import('./testing/electron-stand-in')).StandInStore }));
vi.mock('electron-updater', async () => (await import('./testing/electron-stand-in')).updaterModule);

type Shell = typeof StandIn;
let current: Shell | null = null;
const temps: string[] = [];

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Quits the running shell the way Electron does (will-quit waits for the core to close). */
async function quitCurrent(): Promise<void> {
  const e = current;
  current = null;
  if (!e || !e.appState.ready) return;
  e.app.quit();
  await waitFor(() => e.appState.quitted, 'the app to quit');
}

/** Starts the shell as a new process would: fresh shell modules, the app made ready. */
async function loadShell(prepare?: (e: Shell) => void): Promise<Shell> {
  await quitCurrent();
  vi.resetModules();
  // The very instance the shell gets as `electron`.
  const e = ((await import('electron')) as unknown as { standIn: Shell }).standIn;
  e.resetStandIn();
  e.appState.userData = temp('parvis-shell-userdata-');
  prepare?.(e);
  current = e;
  await import('./index');
  await e.makeReady();
  return e;
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`Timed out waiting for ${what}`);
}

afterEach(async () => {
  await quitCurrent();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  delete process.env.XDG_CONFIG_HOME;
});

function mainWindow(e: Shell): StandIn.StandInBrowserWindow {
  const win = e.recorded.windows.at(-1);
  if (!win) throw new Error('No window was created');
  return win;
}

/** A call as the renderer's main frame makes it through the preload. */
function callFrom(e: Shell, win: StandIn.StandInBrowserWindow, name: string, input: unknown, frame = win.webContents.mainFrame) {
  const handler = e.recorded.ipcHandlers.get(`parvis:call:${name}`);
  if (!handler) throw new Error(`No handler for ${name}`);
  return handler({ sender: win.webContents, senderFrame: frame }, input) as Promise<{ ok: boolean; value?: unknown; error?: { kind: string } }>;
}

describe('security', () => {
  it('opens every window with context isolation, the sandbox and no Node integration', async () => {
    const e = await loadShell();
    const prefs = mainWindow(e).options.webPreferences!;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webviewTag: false, webSecurity: true });
    expect(prefs.preload).toBe(join(e.appState.appPath, 'out/preload/index.cjs'));
    expect(e.recorded.sandboxEnabled).toBe(true);
    expect(mainWindow(e).webContents.url).toBe('app://parvis/index.html');
  });

  it('refuses navigation and new windows; only http(s) links leave, to the system browser', async () => {
    const e = await loadShell();
    const guarded = [mainWindow(e).webContents, new e.StandInWebContents()];
    // Any web contents, whoever creates it, gets the same guards.
    e.app.emit('web-contents-created', e.cancellable(), guarded[1]);
    for (const contents of guarded) {
      e.recorded.openedExternally.length = 0;
      const navigate = (url: string) => {
        const event = e.cancellable();
        contents.emit('will-navigate', event, url);
        return event.defaultPrevented;
      };
      expect(navigate('https://mastodon.social/@brand')).toBe(true);
      expect(navigate('file:///etc/passwd')).toBe(true);
      expect(navigate('app://parvis.evil/index.html')).toBe(true);
      expect(navigate('app://parvis/index.html')).toBe(false);
      const open = (url: string) => contents.windowOpenHandler!({ url });
      expect(open('https://bsky.app/profile/brand').action).toBe('deny');
      expect(open('javascript:alert(1)').action).toBe('deny');
      expect(open('smb://server/share').action).toBe('deny');
      expect(open('https://user:secret@example.com/').action).toBe('deny');
      expect(e.recorded.openedExternally).toEqual(['https://mastodon.social/@brand', 'https://bsky.app/profile/brand']);
      const webview = e.cancellable();
      contents.emit('will-attach-webview', webview, {}, {});
      expect(webview.defaultPrevented).toBe(true);
    }
  });

  it('denies every permission request and check', async () => {
    const e = await loadShell();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const answers: boolean[] = [];
      e.recorded.permissionRequestHandler!(mainWindow(e).webContents, permission, (granted) => answers.push(granted));
      expect(answers).toEqual([false]);
      expect(e.recorded.permissionCheckHandler!(mainWindow(e).webContents, permission)).toBe(false);
    }
  });

  it('serves the renderer with the CSP the renderer is tested with in web mode', async () => {
    const appPath = temp('parvis-shell-app-');
    mkdirSync(join(appPath, 'out/renderer'), { recursive: true });
    writeFileSync(join(appPath, 'out/renderer/index.html'), '<!doctype html><div id="app"></div>');
    const e = await loadShell((s) => (s.appState.appPath = appPath));
    const serve = e.recorded.protocolHandlers.get('app')!;
    const page = await serve(new Request('app://parvis/index.html'));
    expect(page.status).toBe(200);
    const shellCsp = page.headers.get('content-security-policy');

    // What the Playwright suite runs against: the web server's page.
    const core = makeCore();
    const server = await startWebServer({ core, staticDir: join(appPath, 'out/renderer'), port: 0 });
    try {
      const web = await fetch(server.url);
      expect(web.status).toBe(200);
      expect(shellCsp).toBe(web.headers.get('content-security-policy'));
    } finally {
      await server.close();
      await core.dispose();
    }
    expect(shellCsp).toBe(CONTENT_SECURITY_POLICY);
    expect((await serve(new Request('app://parvis/../../etc/passwd'))).status).toBe(404);
    // Responses from elsewhere (the dev server) get it too.
    let headers: Record<string, string[]> | undefined;
    e.recorded.headersReceived!({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (headers = r.responseHeaders));
    expect(headers!['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });
});

describe('IPC', () => {
  it('registers every contract call once, and the preload reaches exactly those channels', async () => {
    const e = await loadShell();
    expect([...e.recorded.ipcHandlers.keys()].sort()).toEqual(CALL_NAMES.map((n) => `parvis:call:${n}`).sort());
    // A second window (macOS re-creates it after a close) does not register anything again.
    mainWindow(e).close();
    e.app.emit('activate');
    expect(e.recorded.windows.filter((w) => !w.destroyed)).toHaveLength(1);
    expect(e.recorded.ipcHandlers.size).toBe(CALL_NAMES.length);

    await import('../preload/index');
    const api = e.recorded.exposed.get('parvis') as ParvisApi;
    for (const name of CALL_NAMES) await api.call(name, {} as never);
    expect(e.recorded.invoked.map((i) => i.channel).sort()).toEqual([...e.recorded.ipcHandlers.keys()].sort());
    for (const event of EVENT_NAMES) api.on(event, () => {});
    expect([...e.recorded.rendererListeners.keys()].sort()).toEqual(EVENT_NAMES.map((n) => `parvis:event:${n}`).sort());
  });

  it('answers only the main frame of its own window at the renderer origin, and validates input', async () => {
    const e = await loadShell();
    const win = mainWindow(e);
    const info = await callFrom(e, win, 'app.info', {});
    expect(info).toMatchObject({ ok: true, value: { shell: 'electron', name: 'Parvis' } });

    const stranger = new e.StandInBrowserWindow({});
    await stranger.loadURL('app://parvis/index.html');
    const refused = { ok: false, error: { kind: 'invalid-input', code: 'invalid-input', message: 'Untrusted sender' } };
    const handler = e.recorded.ipcHandlers.get('parvis:call:app.info')!;
    expect(await handler({ sender: stranger.webContents, senderFrame: stranger.webContents.mainFrame }, {})).toEqual(refused);
    expect(await callFrom(e, win, 'app.info', {}, { url: 'app://parvis/index.html' })).toEqual(refused);
    win.webContents.mainFrame.url = 'file:///tmp/evil.html';
    expect(await callFrom(e, win, 'app.info', {})).toEqual(refused);
    win.webContents.mainFrame.url = 'app://parvis/index.html';

    const bad = await callFrom(e, win, 'settings.set', { language: 'klingon' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    const unknownKey = await callFrom(e, win, 'settings.set', { shellCommand: 'rm -rf /' });
    expect(unknownKey).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });
});

describe('desktop behaviour', () => {
  it('runs one instance: a second start quits at once, and the first comes to the front', async () => {
    const second = await loadShell((s) => (s.appState.singleInstanceLock = false));
    expect(second.recorded.quitRequests).toBe(1);
    expect(second.recorded.windows).toHaveLength(0);
    expect(second.recorded.ipcHandlers.size).toBe(0);

    const first = await loadShell();
    const win = mainWindow(first);
    win.minimize();
    win.hide();
    first.app.emit('second-instance', first.cancellable(), ['parvis'], '/');
    expect(win.isVisible()).toBe(true);
    expect(win.isMinimized()).toBe(false);
    expect(win.isFocused()).toBe(true);
  });

  it('quits when the window closes, unless the user keeps Parvis in the tray', async () => {
    const e = await loadShell();
    expect(e.recorded.trays).toHaveLength(0);
    const win = mainWindow(e);
    await callFrom(e, win, 'settings.set', { keepRunningInTray: true });
    const tray = e.recorded.trays.at(-1)!;
    expect(tray.tooltip).toBe('Parvis');
    expect(tray.menu.map((i) => i.label ?? i.type)).toEqual(['Show Parvis', 'separator', 'Quit Parvis']);

    win.close();
    expect(win.isDestroyed()).toBe(false);
    expect(win.isVisible()).toBe(false);
    expect(e.recorded.quitRequests).toBe(0);
    tray.pick('Show Parvis');
    expect(win.isVisible()).toBe(true);

    // In French, the tray speaks French.
    await callFrom(e, win, 'settings.set', { language: 'fr' });
    expect(tray.menu.map((i) => i.label ?? i.type)).toEqual(['Afficher Parvis', 'separator', 'Quitter Parvis']);

    tray.pick('Quitter Parvis');
    expect(e.recorded.quitRequests).toBe(1);
    await waitFor(() => e.appState.quitted, 'the app to quit');
    win.close();
    expect(win.isDestroyed()).toBe(true);

    // Turned off: the tray goes, and closing the window quits.
    const again = await loadShell();
    const w2 = mainWindow(again);
    await callFrom(again, w2, 'settings.set', { keepRunningInTray: true });
    await callFrom(again, w2, 'settings.set', { keepRunningInTray: false });
    expect(again.recorded.trays.at(-1)!.destroyed).toBe(true);
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'linux' });
    try {
      w2.close();
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
    expect(w2.isDestroyed()).toBe(true);
    expect(again.recorded.quitRequests).toBe(1);
  });

  it('starts at login when asked: an XDG autostart entry on Linux, removed when turned off', async () => {
    const configHome = temp('parvis-shell-xdg-');
    process.env.XDG_CONFIG_HOME = configHome;
    const e = await loadShell();
    const win = mainWindow(e);
    const entry = join(configHome, 'autostart', 'parvis.desktop');
    expect(existsSync(entry)).toBe(false);
    await callFrom(e, win, 'settings.set', { openAtLogin: true });
    if (process.platform === 'linux') {
      const text = readFileSync(entry, 'utf8');
      expect(text).toContain('[Desktop Entry]');
      expect(text).toMatch(new RegExp(`^Exec=${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --hidden$`, 'm'));
      await callFrom(e, win, 'settings.set', { openAtLogin: false });
      expect(existsSync(entry)).toBe(false);
    } else {
      expect(e.recorded.loginItemSettings.at(-1)).toEqual({ openAtLogin: true, args: ['--hidden'] });
    }
  });

  it('remembers the window size and place, and ignores a place no display shows any more', async () => {
    const e = await loadShell();
    const win = mainWindow(e);
    expect(win.options).toMatchObject({ width: 1360, height: 860 });
    win.setBounds({ x: 210, y: 140, width: 1100, height: 720 });
    win.close();
    const saved = e.storeFiles.get('settings')!.get('windowState');
    expect(saved).toEqual({ x: 210, y: 140, width: 1100, height: 720, maximized: false });

    const next = await loadShell((s) => s.storeFiles.set('settings', new Map([['windowState', saved]])));
    expect(mainWindow(next).options).toMatchObject({ x: 210, y: 140, width: 1100, height: 720 });

    const unplugged = await loadShell((s) =>
      s.storeFiles.set('settings', new Map([['windowState', { x: 2500, y: 100, width: 1000, height: 700, maximized: true }]])),
    );
    const w3 = mainWindow(unplugged);
    expect(w3.options.x).toBeUndefined();
    expect(w3.options).toMatchObject({ width: 1000, height: 700 });
    expect(w3.isMaximized()).toBe(true);
  });

  it('checks for updates only when the user turned them on, in a packaged app with a publish target', async () => {
    const resources = temp('parvis-shell-resources-');
    const before = (process as { resourcesPath?: string }).resourcesPath;
    (process as { resourcesPath?: string }).resourcesPath = resources;
    try {
      const e = await loadShell((s) => (s.appState.isPackaged = true));
      expect(e.recorded.updateChecks).toBe(0);
      const win = mainWindow(e);
      await callFrom(e, win, 'settings.set', { autoUpdate: true });
      // Built without `publish`: nothing to ask.
      expect(e.recorded.updateChecks).toBe(0);
      writeFileSync(join(resources, 'app-update.yml'), 'provider: generic\nurl: http://127.0.0.1:9/\n');
      await callFrom(e, win, 'settings.set', { autoUpdate: false });
      await callFrom(e, win, 'settings.set', { autoUpdate: true });
      expect(e.recorded.updateChecks).toBe(1);

      const dev = await loadShell();
      await callFrom(dev, mainWindow(dev), 'settings.set', { autoUpdate: true });
      expect(dev.recorded.updateChecks).toBe(0);
    } finally {
      (process as { resourcesPath?: string }).resourcesPath = before;
    }
  });
});
