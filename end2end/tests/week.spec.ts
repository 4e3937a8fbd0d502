import { test, expect, type Page } from '@playwright/test';
import { addGoal, createHackfest, devSignIn, open, watchErrors } from './helpers';

async function scheduleSession(page: Page, slug: string, title: string) {
  await open(page, `/h/${slug}/sessions/new`);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Kind').selectOption('meeting');
  await page.getByLabel('Starts').fill('2026-11-24T10:00');
  await page.getByLabel('Ends').fill('2026-11-24T11:30');
  await page.getByLabel('Required participants').fill('kevin\nRed Hat Storage team');
  await page.getByRole('button', { name: 'Schedule session' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

test('a decision recorded in a session, an action item from it, completed', async ({ page }) => {
  const errors = watchErrors(page);
  const slug = await createHackfest(page, 'Week Hackfest');
  await addGoal(page, slug, { title: 'Split storage volumes into active and archive', kind: 'small' });
  await scheduleSession(page, slug, 'Meeting with the storage team');
  await expect(page.locator('article > p.meta')).toContainText('Tue 24 Nov, 10:00–11:30');

  // Record a decision from the session page: it is linked to the session.
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByRole('link', { name: 'Record a decision' }).click();
  await expect(page.getByRole('heading', { name: 'Record a decision' })).toBeVisible();
  await page.getByLabel('Title').fill('Archive volumes go on the slow tier');
  await page.getByLabel('Status').selectOption('agreed');
  await page.getByLabel('Split storage volumes into active and archive').check();
  await page.getByLabel('Follow-ups').fill('[x] fedora-infra\n[ ] copr');
  await page.getByRole('button', { name: 'Record decision' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Archive volumes go on the slow tier' })).toBeVisible();
  await expect(page.getByText('Made in')).toContainText('Meeting with the storage team');
  await expect(page.locator('table.checklist')).toContainText('copr');

  // Create an action item from the decision, then complete it.
  await page.getByRole('link', { name: 'Create an action item' }).click();
  await expect(page.getByRole('heading', { name: 'New action item' })).toBeVisible();
  await expect(page.getByLabel('Decision')).toHaveValue(/[0-9a-f-]{36}/);
  await page.getByLabel('Title').fill('Send the split proposal');
  await page.getByLabel('Owner').fill('olivia');
  await page.getByLabel('Due date').fill('2026-11-27');
  await page.getByRole('button', { name: 'Add action item' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Send the split proposal' })).toBeVisible();
  await expect(page.getByTestId('action-status')).toHaveText('Open');
  await page.getByRole('button', { name: 'Mark done' }).click();
  await expect(page.getByTestId('action-status')).toHaveText('Done');
  await expect(page.getByRole('button', { name: 'Mark done' })).toHaveCount(0);

  // The session lists both; the overview no longer lists the item as open; history shows it.
  await open(page, `/h/${slug}/decisions`);
  await page.getByRole('link', { name: 'Archive volumes go on the slow tier' }).click();
  await expect(page.locator('.item.action')).toContainText('Done');
  await page.reload();
  await open(page, `/h/${slug}/actions?status=done`);
  await page.getByRole('link', { name: 'Send the split proposal' }).click();
  await expect(page.locator('.history')).toContainText('open');
  await expect(page.locator('.history')).toContainText('done');
  await open(page, '/me');
  await expect(page.getByRole('region', { name: 'My action items' })).toContainText('Send the split proposal');
  expect(errors).toEqual([]);
});

test('an impossible decision change is a field message, and end before start too', async ({ page }) => {
  const slug = await createHackfest(page, 'Rules Hackfest');
  await open(page, `/h/${slug}/sessions/new`);
  await page.getByLabel('Title').fill('Backwards');
  await page.getByLabel('Starts').fill('2026-11-24T10:00');
  await page.getByLabel('Ends').fill('2026-11-24T09:00');
  await page.getByRole('button', { name: 'Schedule session' }).click();
  await expect(page.locator('#ends_at-error')).toHaveText('End must be after the start.');

  await open(page, `/h/${slug}/decisions/new`);
  await page.getByLabel('Title').fill('Superseded by nothing');
  await page.getByLabel('Status').selectOption('superseded');
  await page.getByRole('button', { name: 'Record decision' }).click();
  await expect(page.locator('#superseded_by-error')).toContainText('replaces it');
  await open(page, `/h/${slug}/decisions`);
  await expect(page.getByText('No decisions match.')).toBeVisible();
});

test('two people edit one action item: the second sees both versions and chooses', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Two Editors Hackfest');
  await open(page, `/h/${slug}/actions/new`);
  await page.getByLabel('Title').fill('Order the racks');
  await page.getByRole('button', { name: 'Add action item' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Order the racks' })).toBeVisible();
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Edit action item' })).toBeVisible();
  await page.locator('body[data-hydrated="true"]').waitFor();

  const other = await browser.newContext();
  const pageB = await other.newPage();
  await devSignIn(pageB, 'kevin', 'organizer');
  await open(pageB, page.url().replace(/^https?:\/\/[^/]+/, ''));
  await pageB.getByLabel('Owner').fill('kevin');
  await pageB.getByRole('button', { name: 'Save changes' }).click();
  await expect(pageB.getByRole('heading', { level: 1, name: 'Order the racks' })).toBeVisible();

  await page.getByLabel('Owner').fill('olivia');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const conflict = page.locator('.conflict');
  await expect(conflict).toContainText('Someone else saved this action item');
  await expect(conflict.locator('tr', { hasText: 'owner' }).locator('.theirs')).toHaveText('kevin');
  await expect(conflict.locator('tr', { hasText: 'owner' }).locator('.mine')).toHaveText('olivia');
  await conflict.getByRole('button', { name: 'Save mine over it' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Order the racks' })).toBeVisible();
  await expect(page.locator('article > p.meta')).toContainText('Owner: olivia');
  await other.close();
});

test('session, decision and action pages read without JavaScript', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Plain Hackfest');
  await scheduleSession(page, slug, 'Auth systems deep dive');
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  const r = await plain.goto(`/h/${slug}/sessions`);
  expect(r?.status()).toBe(200);
  await expect(plain.getByRole('link', { name: 'Auth systems deep dive' })).toBeVisible();
  const overview = await plain.goto(`/h/${slug}`);
  expect(overview?.status()).toBe(200);
  await expect(plain.getByRole('heading', { name: 'Recent decisions' })).toBeVisible();
  await noJs.close();
});

test('without JavaScript an action item form saves, and a field error keeps what was typed', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Formal Hackfest');
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await devSignIn(plain, 'olivia', 'organizer');
  await plain.goto(`/h/${slug}/actions/new`);
  await plain.getByLabel('Owner').fill('bob');
  await plain.getByLabel('Description').fill('Two racks, **before** Friday');
  await plain.getByRole('button', { name: 'Add action item' }).click();
  // The same page (a POST answered in place: nothing typed is in the address), the
  // message beside its field, the typed values kept.
  expect(new URL(plain.url()).pathname).toBe(`/h/${slug}/actions/new`);
  expect(new URL(plain.url()).search).toBe('');
  await expect(plain.locator('#title-error')).toHaveText('Title is required.');
  await expect(plain.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await expect(plain.getByLabel('Owner')).toHaveValue('bob');
  await expect(plain.getByLabel('Description')).toHaveValue('Two racks, **before** Friday');
  await plain.getByLabel('Title').fill('Order the racks');
  await plain.getByRole('button', { name: 'Add action item' }).click();
  await expect(plain.getByRole('heading', { level: 1, name: 'Order the racks' })).toBeVisible();
  expect(new URL(plain.url()).pathname).toMatch(new RegExp(`^/h/${slug}/actions/[0-9a-f-]{36}$`));
  await expect(plain.locator('article > p.meta')).toContainText('Owner: bob');
  await noJs.close();

  // The page answering a plain post hydrates into the same state and goes on with JavaScript.
  await open(page, `/h/${slug}/actions/new`);
  await page.getByLabel('Owner').fill('carol');
  const answered = page.waitForEvent('framenavigated');
  await page.locator('#editor-form').evaluate((f: HTMLFormElement) => f.submit());
  await answered;
  await page.locator('body[data-hydrated="true"]').waitFor();
  await expect(page.locator('#title-error')).toHaveText('Title is required.');
  await expect(page.getByLabel('Owner')).toHaveValue('carol');
  await page.getByLabel('Title').fill('Label the cables');
  await page.getByRole('button', { name: 'Add action item' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Label the cables' })).toBeVisible();
  await expect(page.locator('article > p.meta')).toContainText('Owner: carol');
});
