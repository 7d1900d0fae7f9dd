// ESLint: typescript-eslint + eslint-plugin-vue, and the architecture's import boundaries, which
// fail the lint on a violation (see the handbook's architecture.md, "Boundaries").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

const noElectron = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };
const electronPattern = {
  group: ['**/electron/**', '../electron', '../../electron', '../../../electron'],
  message: 'renderer/ and shared/ never import from electron/: go through the contract.',
};
const nodePattern = {
  group: ['node:*', 'fs', 'path', 'os', 'child_process', 'better-sqlite3', 'keytar', 'conf', 'electron-store', 'axios', 'ws'],
  message: 'This code runs in the renderer or in shared/: no Node modules.',
};

// Messages, conversations and the full-text index are written by one module, the message writer
// (electron/core/db/messages.ts) and the db/ query modules beside it: anywhere else, SQL that writes
// those tables fails the lint. A test that must write them directly says why in a disable comment.
const ownedTables = String.raw`(INSERT\s+(OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(\s+OR\s+\w+)?|DELETE\s+FROM)\s+(messages|conversations|messages_fts)\b`;
const writerMessage = 'Write messages, conversations and messages_fts through the message writer (electron/core/db/messages.ts) or a db/ query module.';
const oneWriter = [
  'error',
  { selector: `Literal[value=/${ownedTables}/i]`, message: writerMessage },
  { selector: `TemplateElement[value.raw=/${ownedTables}/i]`, message: writerMessage },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**', 'e2e/networks/specs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/no-v-html': 'error',
    },
  },
  {
    files: ['renderer/src/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // Boundaries.
  {
    files: ['electron/core/**/*.ts', 'electron/web/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['electron/*'], message: noElectron.message }] }] },
  },
  {
    files: ['renderer/src/**/*.{ts,vue}'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [electronPattern, nodePattern] }] },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [electronPattern, nodePattern, { group: ['**/renderer/**', '../renderer', '../e2e/**'], message: 'shared/ imports nothing outside itself.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.{ts,js,mjs,vue}'],
    ignores: ['electron/core/db/**'],
    rules: { 'no-restricted-syntax': oneWriter },
  },
  {
    files: ['electron/preload/**/*.ts'],
    ignores: ['electron/preload/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../core/**', '../main/**', '../web/**', 'node:*'], message: 'The preload imports only electron and shared/.' }] }],
    },
  },
  // The electron stand-in is test code: the shell itself never loads it.
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    ignores: ['**/*.test.ts', 'electron/main/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/testing/electron-stand-in'], message: 'The electron stand-in is for tests only.' }] }],
    },
  },
);
