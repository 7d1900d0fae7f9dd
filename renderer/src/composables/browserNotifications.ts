import { ref } from 'vue';
import type { EventPayload } from '../../../shared/contract';

/**
 * Browser notifications in web mode (Electron shows desktop notifications from its main process).
 * The browser asks the user once per site; whether this browser should show them is the user's
 * choice here, kept in this browser's storage because it belongs to this browser, not to the profile.
 */
const PREFERENCE_KEY = 'parvis.browserNotifications';

export type BrowserNotificationState = 'unsupported' | 'off' | 'on' | 'blocked';

function supported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

function wanted(): boolean {
  try {
    return localStorage.getItem(PREFERENCE_KEY) === 'on';
  } catch {
    return false;
  }
}

function currentState(): BrowserNotificationState {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  return Notification.permission === 'granted' && wanted() ? 'on' : 'off';
}

/** Where browser notifications stand, for the settings; updated by `setBrowserNotifications`. */
export const browserNotificationState = ref<BrowserNotificationState>(currentState());

/** Turns browser notifications on (asking the browser's permission first) or off. */
export async function setBrowserNotifications(on: boolean): Promise<BrowserNotificationState> {
  if (!supported()) return (browserNotificationState.value = 'unsupported');
  try {
    localStorage.setItem(PREFERENCE_KEY, on ? 'on' : 'off');
  } catch {
    // Storage refused (private window): the choice lasts until the page closes.
  }
  if (on && Notification.permission === 'default') await Notification.requestPermission();
  browserNotificationState.value = on ? currentState() : Notification.permission === 'denied' ? 'blocked' : 'off';
  return browserNotificationState.value;
}

/** Shows a `notify` event as a browser notification, if the user allowed them; a click opens it. */
export function showBrowserNotification(payload: EventPayload<'notify'>, open: () => void): void {
  if (currentState() !== 'on') return;
  const notification = new Notification(payload.title, { body: payload.body, tag: `conversation-${payload.conversationId}` });
  notification.onclick = () => {
    window.focus();
    open();
    notification.close();
  };
}
