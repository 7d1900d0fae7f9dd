/**
 * A Mastodon status edited, then one deleted, on the local server: the thread shows the edited
 * text marked "edited", and the deleted one still readable, struck out, with a line saying it was
 * deleted on Mastodon. Real connector, real core, web mode.
 */
import { expect } from '@playwright/test';
import { networkedTest } from './networked-test';
import { callCore, connectAccount } from './networks/fixture';

const test = networkedTest;

test('the thread says which message was edited and which was deleted on the network', async ({ app: page, mode, networks }) => {
  const { control } = networks.mastodon;
  const post = control.addPost({ text: 'La lampe Orbe existe maintenant en vert sauge.' }).statusId;
  const edited = control.addReply({ from: 'camille', to: post, text: 'Et en laiton ?' }).statusId;
  const deleted = control.addReply({ from: 'hugo', to: post, text: 'Arnaque totale' }).statusId;
  const account = await connectAccount(mode.core, { network: 'mastodon', fields: { server: networks.urls.mastodon } });
  await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });

  control.editStatus(edited, { text: '@parvis Et en cuivre brossé ?' });
  control.deleteStatus(deleted);
  await callCore(mode.core, 'accounts.pollNow', { accountId: account.id });
  await page.reload();

  await page.getByTestId('conversation-list').getByText('Arnaque totale').or(page.getByTestId('conversation-list').getByText('cuivre brossé')).first().click();
  const thread = page.getByTestId('thread');
  const editedMessage = thread.locator('article.message', { hasText: 'cuivre brossé' });
  await expect(editedMessage.getByTestId('message-edited')).toHaveText('modifié');
  await expect(thread.getByText('Et en laiton ?')).toHaveCount(0);
  const deletedMessage = thread.locator('article.message', { hasText: 'Arnaque totale' });
  await expect(deletedMessage.getByTestId('message-deleted')).toContainText('Supprimé sur Mastodon');
  await expect(deletedMessage.locator('.text')).toHaveCSS('text-decoration-line', 'line-through');
  await expect(editedMessage.getByTestId('message-deleted')).toHaveCount(0);
});
