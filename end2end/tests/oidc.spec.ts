import { test, expect } from '@playwright/test';

// A second app instance configured with a real OpenID provider (oidc-provider; see end2end/oidc).
const base = process.env.HACKFEST_OIDC_BASE_URL;
if (!base) throw new Error('HACKFEST_OIDC_BASE_URL is not set: run through scripts/e2e.sh');

async function signInAtProvider(page: import('@playwright/test').Page, user: string) {
  await page.goto(`${base}/`);
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Test OpenID provider' })).toBeVisible();
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(`${user}-password`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`^${base}/`));
}

test('an attendee signs in at the provider, sees attendee controls, and signs out', async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signInAtProvider(page, 'alice');
  await expect(page.getByText('Signed in as')).toContainText('Alice Attendee');
  // Not an organizer: no "New hackfest".
  await expect(page.getByRole('link', { name: 'New hackfest' })).toHaveCount(0);
  const cookies = await ctx.cookies(base);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(new RegExp(`^${base}/`));
  await page.locator('body[data-hydrated="true"]').waitFor();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();

  // The old cookie, replayed, is anonymous.
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const again = await replay.newPage();
  await again.goto(`${base}/`);
  await expect(again.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await ctx.close();
  await replay.close();
});

test('an organizer (by group, from UserInfo) sees organizer controls', async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signInAtProvider(page, 'olivia');
  await expect(page.getByText('Signed in as')).toContainText('Olivia Organizer');
  await expect(page.getByRole('link', { name: 'New hackfest' })).toBeVisible();
  await ctx.close();
});

test('a wrong password at the provider does not sign in', async ({ page }) => {
  await page.goto(`${base}/auth/login`);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Invalid username or password.');
  await page.goto(`${base}/`);
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
});
