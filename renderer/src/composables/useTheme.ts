import { onBeforeUnmount, ref, watchEffect, type Ref } from 'vue';
import type { Settings } from '../../../shared/model';

/**
 * Applies the theme to <html data-theme>: the setting, or for "system" the OS preference,
 * followed live when it changes.
 */
export function useTheme(setting: Ref<Settings['theme']>): void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const systemDark = ref(media.matches);
  const onChange = (event: MediaQueryListEvent) => {
    systemDark.value = event.matches;
  };
  media.addEventListener('change', onChange);
  onBeforeUnmount(() => media.removeEventListener('change', onChange));
  watchEffect(() => {
    const dark = setting.value === 'dark' || (setting.value === 'system' && systemDark.value);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  });
}
