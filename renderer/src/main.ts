import './zod-config';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createParvisI18n, resolveLocale } from './i18n';
import './styles/theme.css';
import './styles/base.css';

// The language follows the system until the settings are read (App applies them).
const i18n = createParvisI18n(resolveLocale('system', navigator.language));

createApp(App).use(createPinia()).use(i18n).mount('#app');
