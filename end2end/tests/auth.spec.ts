import { test, expect } from '@playwright/test';
import { createHackfest, devSignIn, open } from './helpers';

test('anonymous readers see the hackfest but no editing controls', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Public Hackfest');
  const anon = await browser.newContext();
  const reader = await anon.newPage();
  await open(reader, `/h/${slug}`);
  await expect(reader.getByRole('heading', { level: 1, name: 'Public Hackfest' })).toBeVisible();
  await expect(reader.getByRole('link', { name: 'Add a goal' })).toHaveCount(0);
  await expect(reader.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await anon.close();
});

test('a signed-in visitor joins a hackfest and can then add goals', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Joinable Hackfest');
  const ctx = await browser.newContext();
  const alice = await ctx.newPage();
  await devSignIn(alice, 'alice', 'attendee');
  await open(alice, `/h/${slug}`);
  await expect(alice.getByRole('link', { name: 'Add a goal' })).toHaveCount(0);
  await alice.getByRole('button', { name: 'Join this hackfest' }).click();
  await expect(alice.getByRole('link', { name: 'Add a goal' })).toBeVisible();
  await ctx.close();
});

test('signing out deletes the session: replaying the old cookie is anonymous', async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await devSignIn(page, 'replayer', 'attendee');
  const cookies = await ctx.cookies();
  expect(cookies.length).toBeGreaterThan(0);
  const session = cookies.find((c) => c.name.includes('hackfest'));
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();

  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const again = await replay.newPage();
  await open(again, '/');
  await expect(again.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(again.getByText('Signed in as')).toHaveCount(0);
  await ctx.close();
  await replay.close();
});

test('an organizer makes an attendee an organizer; both see it under My hackfests', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Granting Hackfest');
  const ctx = await browser.newContext();
  const alice = await ctx.newPage();
  await devSignIn(alice, 'alice', 'attendee');
  await open(alice, `/h/${slug}`);
  await alice.getByRole('button', { name: 'Join this hackfest' }).click();
  await expect(alice.getByText('You are an attendee of this hackfest.')).toBeVisible();

  await open(page, `/h/${slug}`);
  await page.getByLabel('Add an organizer').fill('nobody-here');
  await page.getByRole('button', { name: 'Make organizer' }).click();
  await expect(page.locator('#username-error')).toContainText('No one with this username has signed in yet.');
  await page.getByLabel('Add an organizer').fill('alice');
  await page.getByRole('button', { name: 'Make organizer' }).click();
  await expect(page.getByText('alice is now an organizer.')).toBeVisible();

  await open(alice, '/me');
  const card = alice.locator('.card', { hasText: 'Granting Hackfest' });
  await expect(card).toContainText('Organizer');
  // The grant's own bus message (hackfest.member.organizer) has reached the open
  // overview by now; it must not have refetched the page and wiped the confirmation.
  await expect(page.getByText('alice is now an organizer.')).toBeVisible();
  await ctx.close();
});

test('without JavaScript, the sign-in and sign-out forms still work (same-origin posts pass the CSRF check)', async ({ browser }) => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto('/auth/dev?next=/');
  await page.getByLabel('Username').fill('nojs');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Signed in as')).toContainText('nojs');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await ctx.close();
});
