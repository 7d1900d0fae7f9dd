import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CallInput, ConnectableNetwork } from '../../../shared/contract';
import type { Account, AppError } from '../../../shared/model';
import { api, ApiError } from '../api';
import { useAccountsStore } from './accounts';

/**
 * Where connecting an account stands:
 * - `choose`: picking a network; `details`: its form (server, or handle and app password);
 * - `browser`: waiting for the user to approve Parvis in the browser (OAuth);
 * - `connected`: done, `account` is the new account.
 */
export type ConnectStep = 'choose' | 'details' | 'browser' | 'connected';

/** Connecting an account: the steps of the connect dialog and the calls behind them. */
export const useConnectStore = defineStore('connect', () => {
  const accounts = useAccountsStore();
  const step = ref<ConnectStep>('choose');
  const network = ref<ConnectableNetwork | null>(null);
  /** The server the user typed, to say where a failure happened. */
  const server = ref('');
  const submitting = ref(false);
  const error = ref<AppError | null>(null);
  /** The consent page of the OAuth flow in progress, to open it again. */
  const authorizeUrl = ref<string | null>(null);
  const account = ref<Account | null>(null);
  let flowId: string | null = null;

  function reset(): void {
    if (flowId) void cancel();
    step.value = 'choose';
    network.value = null;
    server.value = '';
    submitting.value = false;
    error.value = null;
    authorizeUrl.value = null;
    account.value = null;
  }

  function choose(next: ConnectableNetwork): void {
    network.value = next;
    server.value = next.defaultServer ?? '';
    error.value = null;
    step.value = 'details';
  }

  function back(): void {
    error.value = null;
    step.value = 'choose';
  }

  function asAppError(failure: unknown): AppError {
    return failure instanceof ApiError ? { kind: failure.kind, message: failure.message } : { kind: 'internal', message: String(failure) };
  }

  async function connected(next: Account): Promise<void> {
    account.value = next;
    step.value = 'connected';
    await accounts.load().catch(() => {});
  }

  /**
   * Starts connecting. For a password sign-in (Bluesky) this connects at once; for OAuth it
   * returns the consent page to open in the browser, then `waitForBrowser` finishes.
   */
  async function begin(request: CallInput<'accounts.connect'>): Promise<{ openInBrowser: string } | null> {
    if (submitting.value) return null;
    submitting.value = true;
    error.value = null;
    try {
      const start = await api.call('accounts.connect', request);
      if (start.kind === 'connected') {
        await connected(start.account);
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
      const next = await api.call('accounts.finishConnect', { flowId: waitingFor });
      if (flowId !== waitingFor) return;
      flowId = null;
      await connected(next);
    } catch (failure) {
      // A flow the user cancelled ends with an error nobody needs to read.
      if (flowId !== waitingFor) return;
      flowId = null;
      error.value = asAppError(failure);
      step.value = 'details';
    }
  }

  /** Abandons the browser sign-in (its loopback listener closes). */
  async function cancel(): Promise<void> {
    const cancelling = flowId;
    flowId = null;
    authorizeUrl.value = null;
    if (step.value === 'browser') step.value = 'details';
    if (cancelling) await api.call('accounts.cancelConnect', { flowId: cancelling }).catch(() => {});
  }

  return { step, network, server, submitting, error, authorizeUrl, account, reset, choose, back, begin, waitForBrowser, cancel };
});
