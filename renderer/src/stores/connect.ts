import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ConnectChoice, ConnectOutcome, ConnectStart } from '../../../shared/contract';
import type { Account, AppError } from '../../../shared/model';
import type { NetworkInfo } from '../../../shared/networks';
import { api, ApiError } from '../api';
import { useAccountsStore } from './accounts';

/**
 * Where connecting an account stands:
 * - `choose`: picking a network;
 * - `developer-app`: the network needs the user's own registered app first (client id, secret);
 * - `details`: the network's sign-in form, drawn from its descriptor;
 * - `browser`: waiting for the user to approve Parvis in the browser (OAuth);
 * - `pick`: the sign-in gave several accounts (Pages, mailboxes): the user picks which to add;
 * - `connected`: done, `connectedAccounts` are the new accounts.
 */
export type ConnectStep = 'choose' | 'developer-app' | 'details' | 'browser' | 'pick' | 'connected';

/** Connecting an account: the steps of the connect dialog and the calls behind them. */
export const useConnectStore = defineStore('connect', () => {
  const accounts = useAccountsStore();
  const step = ref<ConnectStep>('choose');
  const network = ref<NetworkInfo | null>(null);
  /** The way to sign in the user chose among the network's (`signIn.alternatives`); null: its first way. */
  const method = ref<string | null>(null);
  /** The sign-in in use: the network's first way, or the alternative chosen. */
  const signIn = computed(() => {
    const info = network.value;
    if (!info) return null;
    return (method.value ? info.signIn.alternatives?.find((a) => a.id === method.value) : null) ?? info.signIn;
  });
  /** The form as the user fills it, by field name. */
  const fields = ref<Record<string, string>>({});
  const submitting = ref(false);
  const error = ref<AppError | null>(null);
  /** The consent page of the OAuth flow in progress, to open it again. */
  const authorizeUrl = ref<string | null>(null);
  /** Accounts the sign-in gave, to pick from. */
  const choices = ref<ConnectChoice[]>([]);
  const connectedAccounts = ref<Account[]>([]);
  let flowId: string | null = null;

  function reset(): void {
    if (flowId) void cancel();
    step.value = 'choose';
    network.value = null;
    method.value = null;
    fields.value = {};
    submitting.value = false;
    error.value = null;
    authorizeUrl.value = null;
    choices.value = [];
    connectedAccounts.value = [];
  }

  /** The form starts from the descriptor's defaults; a network without its developer app asks for it first. */
  function choose(next: NetworkInfo): void {
    network.value = next;
    method.value = null;
    fields.value = Object.fromEntries(next.signIn.fields.map((f) => [f.name, typeof f.defaultValue === 'string' ? f.defaultValue : '']));
    error.value = null;
    step.value = next.developerApp && next.developerApp.source === null ? 'developer-app' : 'details';
  }

  /**
   * Switches to another way to sign in (null: the network's first): its form starts from its
   * defaults, keeping what the user typed in fields both forms have (the address), never a secret.
   */
  function chooseMethod(id: string | null): void {
    const info = network.value;
    if (!info) return;
    const spec = (id ? info.signIn.alternatives?.find((a) => a.id === id) : null) ?? info.signIn;
    method.value = spec === info.signIn ? null : id;
    const before = fields.value;
    fields.value = Object.fromEntries(spec.fields.map((f) => [f.name, !f.secret && before[f.name] ? before[f.name]! : typeof f.defaultValue === 'string' ? f.defaultValue : '']));
    error.value = null;
  }

  function back(): void {
    error.value = null;
    step.value = 'choose';
  }

  /** Opens the developer-app step again (to change the app in use). */
  function editDeveloperApp(): void {
    error.value = null;
    step.value = 'developer-app';
  }

  function asAppError(failure: unknown): AppError {
    return failure instanceof ApiError ? failure.toAppError() : { kind: 'internal', code: 'internal', message: String(failure) };
  }

  async function connected(next: Account[]): Promise<void> {
    connectedAccounts.value = next;
    step.value = 'connected';
    await accounts.load().catch(() => {});
  }

  async function concluded(outcome: ConnectOutcome): Promise<void> {
    if (outcome.kind === 'connected') {
      await connected([outcome.account]);
      return;
    }
    flowId = outcome.flowId;
    choices.value = outcome.choices;
    step.value = 'pick';
  }

  /** Saves the user's developer app (to the keychain, through the core), then shows the sign-in form. */
  async function saveDeveloperApp(clientId: string, clientSecret: string): Promise<void> {
    const chosen = network.value;
    if (!chosen || submitting.value) return;
    submitting.value = true;
    error.value = null;
    try {
      const info = await api.call('developerApps.set', { network: chosen.id, clientId: clientId.trim(), ...(clientSecret.trim() ? { clientSecret: clientSecret.trim() } : {}) });
      network.value = { ...chosen, developerApp: info };
      // One app may serve several networks (Facebook and Instagram share the Meta app): each of them has it now.
      const appOf = (n: NetworkInfo) => n.developerApp?.sharedWith ?? n.id;
      const app = appOf(chosen);
      accounts.networks = accounts.networks.map((n) =>
        n.id === chosen.id ? { ...n, developerApp: info } : n.developerApp && appOf(n) === app ? { ...n, developerApp: { ...info, sharedWith: n.developerApp.sharedWith } } : n,
      );
      step.value = 'details';
    } catch (failure) {
      error.value = asAppError(failure);
    } finally {
      submitting.value = false;
    }
  }

  /**
   * Starts connecting with the form as filled. A sign-in that needs no browser connects at once;
   * for OAuth it returns the consent page to open in the browser, then `waitForBrowser` finishes.
   */
  async function begin(): Promise<{ openInBrowser: string } | null> {
    const chosen = network.value;
    if (!chosen || submitting.value) return null;
    submitting.value = true;
    error.value = null;
    try {
      // Empty optional fields are left out: the descriptor's defaults apply. A number input's
      // v-model holds a number once typed in (Vue casts it), a string while empty.
      const filled = Object.fromEntries(Object.entries(fields.value).filter(([, v]) => String(v ?? '').trim() !== ''));
      const start: ConnectStart = await api.call('accounts.connect', { network: chosen.id, ...(method.value ? { method: method.value } : {}), fields: filled });
      if (start.kind !== 'browser') {
        await concluded(start);
        return null;
      }
      flowId = start.flowId;
      authorizeUrl.value = start.authorizeUrl;
      step.value = 'browser';
      return { openInBrowser: start.authorizeUrl };
    } catch (failure) {
      error.value = asAppError(failure);
      return null;
    } finally {
      submitting.value = false;
    }
  }

  /** Waits until the user approved in the browser and the tokens are in the keychain. */
  async function waitForBrowser(): Promise<void> {
    const waitingFor = flowId;
    if (!waitingFor) return;
    try {
      const outcome = await api.call('accounts.finishConnect', { flowId: waitingFor });
      if (flowId !== waitingFor) return;
      flowId = null;
      await concluded(outcome);
    } catch (failure) {
      // A flow the user cancelled ends with an error nobody needs to read.
      if (flowId !== waitingFor) return;
      flowId = null;
      error.value = asAppError(failure);
      step.value = 'details';
    }
  }

  /** Adds the accounts the user picked among those the sign-in gave. */
  async function pick(choiceIds: string[]): Promise<void> {
    const picking = flowId;
    if (!picking || submitting.value || choiceIds.length === 0) return;
    submitting.value = true;
    error.value = null;
    try {
      const added = await api.call('accounts.choose', { flowId: picking, choiceIds });
      flowId = null;
      await connected(added);
    } catch (failure) {
      error.value = asAppError(failure);
    } finally {
      submitting.value = false;
    }
  }

  /** Abandons the sign-in (its loopback listener closes, unpicked accounts are forgotten). */
  async function cancel(): Promise<void> {
    const cancelling = flowId;
    flowId = null;
    authorizeUrl.value = null;
    if (step.value === 'browser' || step.value === 'pick') step.value = 'details';
    if (cancelling) await api.call('accounts.cancelConnect', { flowId: cancelling }).catch(() => {});
  }

  return {
    step,
    network,
    method,
    signIn,
    chooseMethod,
    fields,
    submitting,
    error,
    authorizeUrl,
    choices,
    connectedAccounts,
    reset,
    choose,
    back,
    editDeveloperApp,
    saveDeveloperApp,
    begin,
    waitForBrowser,
    pick,
    cancel,
  };
});
