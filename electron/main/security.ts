/**
 * What the renderer may do beyond its own page: nothing. No navigation, no new window (http(s)
 * links go to the system browser), no webview, no permission, and the renderer's CSP on every
 * response. Applied to every web contents, whoever created it.
 */
import { shell, type Session, type WebContents } from 'electron';
import { isRendererUrl } from '../core/security/renderer-origin';
import { CONTENT_SECURITY_POLICY } from '../web/csp';

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
export function openInBrowser(url: string): void {
  // electronegativity-justified OPEN_EXTERNAL_JS_CHECK: the only call site; http(s) URLs without
  // credentials only (isExternalHttpUrl), so no file:, smb: or custom-protocol handler is reachable.
  if (isExternalHttpUrl(url)) void shell.openExternal(url);
}

/** Denies every permission (camera, geolocation, the web Notification API...) and sets the CSP. */
export function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

/** No navigation away from the renderer, no new windows, no webviews: links open in the browser. */
export function guardWebContents(contents: WebContents, devServerUrl: string | undefined): void {
  contents.on('will-navigate', (event, url) => {
    if (isRendererUrl(url, devServerUrl)) return;
    event.preventDefault();
    openInBrowser(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isRendererUrl(url, devServerUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openInBrowser(url);
    return { action: 'deny' };
  });
}
