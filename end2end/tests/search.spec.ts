import { test, expect } from '@playwright/test';
import { addGoal, createHackfest, open, watchErrors } from './helpers';

// Issue 11.7: a hackfest's search finds what was just saved, highlights the words
// (escaped), filters by kind, and works as a plain GET form without JavaScript.
test('search finds a new goal, with JavaScript and without', async ({ browser, page }) => {
  const errors = watchErrors(page);
  const slug = await createHackfest(page, 'Search Hackfest');
  await addGoal(page, slug, { title: 'Migrate the <b>koji</b> builders to aarch64', kind: 'big' });

  await open(page, `/h/${slug}/search`);
  await page.getByLabel('Words to search for').fill('koji AND "builders');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=koji/);
  const hit = page.locator('.hit').first();
  await expect(hit).toContainText('Migrate the <b>koji</b> builders to aarch64');
  await expect(hit.locator('mark').first()).toHaveText(/koji|builders/i);
  await expect(page.locator('.hit b')).toHaveCount(0);
  expect(errors).toEqual([]);

  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const reader = await noJs.newPage();
  await reader.goto(`/h/${slug}/search`);
  await reader.getByLabel('Words to search for').fill('aarch64');
  await reader.getByRole('button', { name: 'Search' }).click();
  await expect(reader.locator('.hit').first()).toContainText('aarch64');
  // A kind filter that excludes goals finds nothing.
  const r = await reader.goto(`/h/${slug}/search?q=aarch64&kind=decision`);
  expect(r?.status()).toBe(200);
  await expect(reader.locator('.hit')).toHaveCount(0);
  await noJs.close();
});
