import { computed, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import type { UiLocale } from '../format/time';

/** The UI language as the formatters want it. */
export function useUiLocale(): ComputedRef<UiLocale> {
  const { locale } = useI18n();
  return computed(() => (locale.value === 'fr' ? 'fr' : 'en'));
}
