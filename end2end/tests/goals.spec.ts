import { test, expect } from '@playwright/test';
import { addGoal, createHackfest, devSignIn, goalItem, open, openGoalEditor, watchErrors } from './helpers';

test('goals are in the server-rendered HTML before any script runs', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Rendering Hackfest');
  await addGoal(page, slug, { title: 'Stand up an OpenShift cluster in staging', kind: 'big', progress: '40' });

  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  const response = await plain.goto(`/h/${slug}`);
  expect(response?.status()).toBe(200);
  await expect(plain.getByRole('heading', { level: 1, name: 'Rendering Hackfest' })).toBeVisible();
  await expect(goalItem(plain, 'Stand up an OpenShift cluster in staging')).toBeVisible();
  await expect(goalItem(plain, 'Stand up an OpenShift cluster in staging')).toContainText('40%');
  await noJs.close();
});

test('after hydration, creating and editing a goal works', async ({ page }) => {
  const errors = watchErrors(page);
  const slug = await createHackfest(page, 'Editing Hackfest');
  await addGoal(page, slug, { title: 'Plan the datacenter move', kind: 'small' });

  await openGoalEditor(page, slug, 'Plan the datacenter move');
  await page.getByLabel('Status').selectOption('active');
  await page.getByLabel('Progress (%)').fill('60');
  await page.getByLabel('Owner').fill('kevin');
  await page.getByRole('button', { name: 'Save changes' }).click();

  await expect(page).toHaveURL(new RegExp(`/h/${slug}#goal-`));
  const item = goalItem(page, 'Plan the datacenter move');
  await expect(item).toContainText('Active');
  await expect(item).toContainText('60%');
  await expect(item).toContainText('Owner: kevin');

  // The edit is recorded in the goal's history, on the goal's own page.
  const anchor = await item.getAttribute('id');
  await open(page, `/h/${slug}/goals/${anchor!.replace('goal-', '')}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Plan the datacenter move' })).toBeVisible();
  await expect(page.locator('.history')).toContainText('progress');
  expect(errors).toEqual([]);
});

test('a sub-goal is shown under its parent and its progress rolls up', async ({ page }) => {
  const slug = await createHackfest(page, 'Tree Hackfest');
  await addGoal(page, slug, { title: 'Document the authentication systems', kind: 'big' });
  await open(page, `/h/${slug}/goals/new`);
  await page.getByLabel('Title').fill('Draw the Ipsilon OIDC flow');
  await page.getByLabel('Part of').selectOption({ label: 'Document the authentication systems' });
  await page.getByLabel('Progress (%)').fill('60');
  await page.getByRole('button', { name: 'Add goal' }).click();
  await expect(page).toHaveURL(new RegExp(`/h/${slug}#goal-`));
  const parent = goalItem(page, 'Document the authentication systems');
  await expect(parent.locator('li.goal')).toContainText('Draw the Ipsilon OIDC flow');
  // The parent's progress rolls up from its sub-goal.
  await expect(parent.locator('.goal-main').first()).toContainText('60%');
  await expect(parent.locator('.goal-main').first()).toContainText('Rolled up from 1 sub-goal');
});

test('invalid input shows field messages and saves nothing', async ({ page }) => {
  const slug = await createHackfest(page, 'Validation Hackfest');
  await open(page, `/h/${slug}/goals/new`);
  await page.getByLabel('Title').fill('   ');
  await page.getByLabel('Progress (%)').fill('150');
  await page.getByRole('button', { name: 'Add goal' }).click();
  await expect(page.locator('#title-error')).toHaveText('Title is required.');
  await expect(page.locator('#progress-error')).toContainText('between 0 and 100');
  await expect(page.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await open(page, `/h/${slug}`);
  await expect(page.getByText('No goals yet')).toBeVisible();
});

test('a stale edit from a second page shows the conflict instead of overwriting', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Conflict Hackfest');
  await addGoal(page, slug, { title: 'Make the update system faster', kind: 'small' });

  // Page A opens the editor first…
  await openGoalEditor(page, slug, 'Make the update system faster');
  // …page B (another person) saves in between.
  const other = await browser.newContext();
  const pageB = await other.newPage();
  await devSignIn(pageB, 'adamw', 'organizer');
  await openGoalEditor(pageB, slug, 'Make the update system faster');
  await pageB.getByLabel('Title').fill('Make Bodhi pushes faster');
  await pageB.getByRole('button', { name: 'Save changes' }).click();
  await expect(goalItem(pageB, 'Make Bodhi pushes faster')).toBeVisible();

  // A saves from the stale version: nothing is overwritten, both values are shown.
  await page.getByLabel('Owner').fill('adamw');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const conflict = page.locator('.conflict');
  await expect(conflict).toBeVisible();
  await expect(conflict).toContainText('Someone else saved this goal');
  await expect(conflict.locator('tr', { hasText: 'title' }).locator('.theirs')).toHaveText('Make Bodhi pushes faster');
  await expect(conflict.locator('tr', { hasText: 'title' }).locator('.mine')).toHaveText('Make the update system faster');
  await expect(conflict.locator('tr', { hasText: 'owner' }).locator('.mine')).toHaveText('adamw');

  // Take the saved version, add the owner again, save: both edits survive.
  // A link (it opens the stored version without JavaScript); with JavaScript it fills the form in place.
  await conflict.getByRole('link', { name: 'Use the saved version' }).click();
  await expect(page.getByLabel('Title')).toHaveValue('Make Bodhi pushes faster');
  await page.getByLabel('Owner').fill('adamw');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const item = goalItem(page, 'Make Bodhi pushes faster');
  await expect(item).toContainText('Owner: adamw');
  await other.close();
});

test('keeping my version after a conflict saves over the newer one', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Keep Mine Hackfest');
  await addGoal(page, slug, { title: 'Move the QA setup into the cloud', kind: 'small' });
  await openGoalEditor(page, slug, 'Move the QA setup into the cloud');
  const other = await browser.newContext();
  const pageB = await other.newPage();
  await devSignIn(pageB, 'adamw', 'organizer');
  await openGoalEditor(pageB, slug, 'Move the QA setup into the cloud');
  await pageB.getByLabel('Progress (%)').fill('20');
  await pageB.getByRole('button', { name: 'Save changes' }).click();
  await expect(pageB).toHaveURL(new RegExp(`/h/${slug}#goal-`));

  await page.getByLabel('Title').fill('Move QA into the cloud');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('.conflict').getByRole('button', { name: 'Save mine over it' }).click();
  await expect(page).toHaveURL(new RegExp(`/h/${slug}#goal-`));
  await expect(goalItem(page, 'Move QA into the cloud')).toBeVisible();
  await other.close();
});

test('unknown pages are a real 404', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  const missing = await page.goto('/h/no-such-hackfest');
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Hackfest not found' })).toBeVisible();
});

test('the overview works with the keyboard and at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const slug = await createHackfest(page, 'Phone Hackfest');
  await addGoal(page, slug, { title: 'Split storage volumes into active and archive', kind: 'small' });
  await open(page, `/h/${slug}`);
  // No horizontal scrolling at phone width.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // Tab reaches the skip link first, then the goal links.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  // Following it (hydrated) moves focus to the content; the next Tab stays inside it.
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('main')?.id)).toBe('main');
});
