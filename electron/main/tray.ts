/**
 * The tray icon, there while the user keeps Parvis running in the tray: it shows the unread count
 * (tooltip, and beside the icon on macOS), brings the window back on click, and is the way to quit.
 */
import { Menu, nativeImage, Tray } from 'electron';
import type { ShellStrings } from './shell-strings';

export interface TrayOptions {
  iconPath: string;
  strings: ShellStrings;
  onShow(): void;
  onQuit(): void;
}

export interface ParvisTray {
  setUnread(count: number): void;
  setStrings(strings: ShellStrings): void;
  destroy(): void;
}

export function createTray(opts: TrayOptions): ParvisTray {
  const size = process.platform === 'darwin' ? 16 : 22;
  const tray = new Tray(nativeImage.createFromPath(opts.iconPath).resize({ width: size, height: size }));
  let strings = opts.strings;
  let unread = 0;
  const render = () => {
    tray.setToolTip(strings.unread(unread));
    if (process.platform === 'darwin') tray.setTitle(unread > 0 ? String(unread) : '');
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: strings.show, click: opts.onShow },
        { type: 'separator' },
        { label: strings.quit, click: opts.onQuit },
      ]),
    );
  };
  tray.on('click', opts.onShow);
  render();
  return {
    setUnread(count) {
      unread = count;
      render();
    },
    setStrings(next) {
      strings = next;
      render();
    },
    destroy: () => tray.destroy(),
  };
}
