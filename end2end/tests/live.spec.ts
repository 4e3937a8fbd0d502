import { test, expect } from '@playwright/test';
import { addGoal, createHackfest, goalItem, open, openGoalEditor, watchErrors } from './helpers';

// Live updates: a second browser showing the hackfest sees changes without reloading.

test('an edit in one browser appears in another without a reload', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Live Hackfest');
  await addGoal(page, slug, { title: 'Wire CI to the message bus', kind: 'big' });

  // Another person (anonymous reader) watches the overview and the action items.
  const other = await browser.newContext();
  const watcher = await other.newPage();
  const errors = watchErrors(watcher);
  await open(watcher, `/h/${slug}`);
  await expect(goalItem(watcher, 'Wire CI to the message bus')).toBeVisible();
  // A marker that a reload would wipe.
  await watcher.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });

  await openGoalEditor(page, slug, 'Wire CI to the message bus');
  await page.getByLabel('Progress (%)').fill('70');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(new RegExp(`/h/${slug}#goal-`));

  await expect(goalItem(watcher, 'Wire CI to the message bus')).toContainText('70%');
  await addGoal(page, slug, { title: 'Publish the summaries', kind: 'small' });
  await expect(goalItem(watcher, 'Publish the summaries')).toBeVisible();

  // A page built on the workspace (the action list) follows too.
  const list = await other.newPage();
  await open(list, `/h/${slug}/actions`);
  await list.evaluate(() => { (window as unknown as { marker: number }).marker = 43; });
  await open(page, `/h/${slug}/actions/new`);
  await page.getByLabel('Title').fill('Announce the new topics');
  await page.getByLabel('Owner').fill('olivia');
  await page.getByRole('button', { name: 'Add action item' }).click();
  await expect(list.getByText('Announce the new topics')).toBeVisible();

  expect(await watcher.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
  expect(await list.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(43);
  expect(errors).toEqual([]);
  await other.close();
});

// Two app instances on one PostgreSQL database (started by scripts/e2e.sh): a change
// made through instance A reaches a browser connected to instance B.
test('an edit through one instance reaches a browser on another (PostgreSQL)', async ({ browser }) => {
  const a = process.env.HACKFEST_PG_A_URL;
  const b = process.env.HACKFEST_PG_B_URL;
  if (!a || !b) throw new Error('HACKFEST_PG_A_URL and HACKFEST_PG_B_URL are not set: run through scripts/e2e.sh');
  const editor = await (await browser.newContext({ baseURL: a })).newPage();
  const slug = await createHackfest(editor, 'Two Instances Hackfest');
  await addGoal(editor, slug, { title: 'Stand up the cluster', kind: 'big' });

  const other = await browser.newContext({ baseURL: b });
  const watcher = await other.newPage();
  const errors = watchErrors(watcher);
  await open(watcher, `/h/${slug}`);
  await expect(goalItem(watcher, 'Stand up the cluster')).toBeVisible();
  await watcher.evaluate(() => { (window as unknown as { marker: number }).marker = 44; });

  await openGoalEditor(editor, slug, 'Stand up the cluster');
  await editor.getByLabel('Progress (%)').fill('35');
  await editor.getByRole('button', { name: 'Save changes' }).click();
  await expect(editor).toHaveURL(new RegExp(`/h/${slug}#goal-`));
  await expect(goalItem(watcher, 'Stand up the cluster')).toContainText('35%');
  await addGoal(editor, slug, { title: 'Move the database hosts', kind: 'small' });
  await expect(goalItem(watcher, 'Move the database hosts')).toBeVisible();
  expect(await watcher.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(44);
  expect(errors).toEqual([]);
  await other.close();
  await editor.context().close();
});

test('a wiki page follows changes live, and keeps what is being typed', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Live Wiki Hackfest');
  await open(page, `/h/${slug}/pages/new`);
  await page.getByLabel('Title').fill('Storage');
  await page.getByLabel('Body (Markdown)').fill('First plan.');
  await page.getByRole('button', { name: 'Create page' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Storage' })).toBeVisible();

  // Someone else (signed in too: same browser context shares the cookie) reads the page.
  const reader = await page.context().newPage();
  const errors = watchErrors(reader);
  await open(reader, `/h/${slug}/pages/storage`);
  await expect(reader.locator('.markdown')).toHaveText('First plan.');

  await open(page, `/h/${slug}/pages/storage/edit`);
  await page.getByLabel('Body (Markdown)').fill('Second plan.');
  await page.getByRole('button', { name: 'Save page' }).click();
  await expect(reader.locator('.markdown')).toHaveText('Second plan.');

  // While the reader types a question, a change does not wipe it: a notice offers it.
  await reader.getByLabel('Ask a question').fill('Which volumes first?');
  // A change elsewhere in the hackfest (a goal) is not a change to this page.
  await addGoal(page, slug, { title: 'Unrelated to the wiki', kind: 'small' });
  await reader.waitForTimeout(1000);
  await expect(reader.getByRole('button', { name: 'Show the new version' })).toBeHidden();
  await open(page, `/h/${slug}/pages/storage/edit`);
  await page.getByLabel('Body (Markdown)').fill('Third plan.');
  await page.getByRole('button', { name: 'Save page' }).click();
  await expect(reader.getByRole('button', { name: 'Show the new version' })).toBeVisible();
  await expect(reader.getByLabel('Ask a question')).toHaveValue('Which volumes first?');
  await expect(reader.locator('.markdown')).toHaveText('Second plan.');
  await reader.getByRole('button', { name: 'Show the new version' }).click();
  await expect(reader.locator('.markdown')).toHaveText('Third plan.');
  expect(errors).toEqual([]);
  await reader.close();
});
