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
