import { test, expect } from '@playwright/test';
import { devSignIn, open, uniqueSlug, watchErrors } from './helpers';

// Issue 14 item 8: the room display shows today's sessions and the big goals in large
// type, and keeps itself current through live updates (no reload): a session booked
// elsewhere appears on the projector.
test('the room display follows the day live', async ({ browser, page }) => {
  const errors = watchErrors(page);
  await devSignIn(page, 'olivia', 'organizer');
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const slug = uniqueSlug('display');
  await open(page, '/hackfests/new');
  await page.getByLabel('Title').fill('Display Hackfest');
  await page.getByLabel('Short name').fill(slug);
  await page.getByLabel('First day').fill(today);
  await page.getByLabel('Last day').fill(tomorrow);
  await page.getByLabel('Time zone').fill('UTC');
  await page.getByRole('button', { name: 'Create hackfest' }).click();
  await expect(page).toHaveURL(new RegExp(`/h/${slug}$`));

  // The projector: nobody signed in.
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const projector = await ctx.newPage();
  await open(projector, `/h/${slug}/display`);
  await expect(projector.getByRole('heading', { level: 1, name: 'Display Hackfest' })).toBeVisible();
  await expect(projector.getByText('Nothing scheduled today.')).toBeVisible();
  await expect(projector.locator('.site-header')).toBeHidden();

  await open(page, `/h/${slug}/sessions/new`);
  await page.getByLabel('Title').fill('Cluster bring-up');
  await page.getByLabel('Starts').fill(`${today}T00:00`);
  await page.getByLabel('Ends').fill(`${today}T00:30`);
  await page.getByRole('button', { name: 'Schedule session' }).click();
  await expect(page.getByRole('heading', { name: 'Cluster bring-up' })).toBeVisible();

  // Live, without a reload.
  await expect(projector.locator('.d-sessions')).toContainText('Cluster bring-up');
  await expect(projector.locator('.d-sessions')).toContainText('00:00–00:30');
  const overflow = await projector.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await ctx.close();
  expect(errors).toEqual([]);
});
