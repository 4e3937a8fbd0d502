import { test, expect } from '@playwright/test';
import { createHackfest, devSignIn, open, watchErrors } from './helpers';

// Issue 13: an attendee asks for travel funding and submits it; an organizer approves
// a smaller amount against the budget; the attendee sees it; another attendee cannot
// open it; the arrivals board shows the dates (the whole day for the organizer, only
// the day to other attendees).
test('a travel request is submitted, approved for less, and stays private', async ({ browser, page }) => {
  const errors = watchErrors(page);
  const slug = await createHackfest(page, 'Travel Hackfest');

  // The organizer sets the budget.
  await open(page, `/h/${slug}/travel`);
  await page.getByRole('link', { name: 'Set the budget' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByLabel('Funded by').fill('OSAS');
  await page.getByLabel('Currency').fill('EUR');
  await page.getByLabel('Travel', { exact: true }).fill('1000');
  await page.getByLabel('Lodging', { exact: true }).fill('500');
  await page.getByLabel('Other', { exact: true }).fill('0');
  await page.getByLabel('Hotels').fill('Hotel Avanti | Střední 61, Brno');
  await page.getByRole('button', { name: 'Save budget' }).click();
  await expect(page.getByRole('heading', { name: 'Travel and lodging' })).toBeVisible();
  await expect(page.getByTestId('budget-figures')).toContainText('Funded by OSAS, in EUR');
  await expect(page.getByTestId('budget-figures')).toContainText('1,500.00');

  // An attendee asks.
  const aliceCtx = await browser.newContext();
  const alice = await aliceCtx.newPage();
  await devSignIn(alice, 'alice', 'attendee');
  await open(alice, `/h/${slug}`);
  await alice.getByRole('button', { name: 'Join this hackfest' }).click();
  await expect(alice.getByRole('link', { name: 'Travel' })).toBeVisible();
  await alice.getByRole('link', { name: 'Travel' }).click();
  await alice.getByRole('link', { name: 'Ask for travel funding' }).click();
  await alice.locator('body[data-hydrated="true"]').waitFor();
  await alice.getByLabel('What you ask funding for').fill('flight 420 EUR FR123 STN–BRQ\nhotel 300 EUR 3 nights');
  await alice.getByLabel('Arrival day').fill('2026-11-22');
  await alice.getByLabel('Arrival time').fill('14:10');
  await alice.getByLabel('How you arrive').fill('flight FR123, lands 14:10 BRQ');
  // A departure before the arrival is a field error; nothing is saved.
  await alice.getByLabel('Departure day').fill('2026-11-21');
  await alice.getByRole('button', { name: 'Save as draft' }).click();
  await expect(alice.getByText('The departure must be after the arrival.')).toBeVisible();
  await alice.getByLabel('Departure day').fill('2026-11-27');
  await alice.getByLabel('Show other attendees the days I arrive and leave').check();
  await alice.getByRole('button', { name: 'Save as draft' }).click();
  await expect(alice.getByRole('heading', { name: 'Your travel request' })).toBeVisible();
  await expect(alice.getByTestId('travel-state')).toHaveText('Draft');
  await alice.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(alice.getByTestId('travel-state')).toHaveText('Submitted');
  const requestUrl = new URL(alice.url()).pathname;

  // The organizer approves less than asked.
  await open(page, `/h/${slug}/travel`);
  const queue = page.getByTestId('travel-queue');
  await expect(queue.getByTestId('travel-row')).toHaveCount(1);
  await queue.getByRole('link', { name: /alice/ }).click();
  await expect(page.getByRole('heading', { name: 'Travel request of alice' })).toBeVisible();
  await expect(page.getByLabel('Travel (EUR)')).toHaveValue('420.00');
  // Over the lodging budget: refused, saying by how much.
  await page.getByLabel('Lodging (EUR)').fill('600');
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByTestId('step-error')).toContainText('Over the remaining lodging budget by EUR 100.00');
  await expect(page.getByTestId('travel-state')).toHaveText('Submitted');
  await page.getByLabel('Travel (EUR)').fill('350');
  await page.getByLabel('Lodging (EUR)').fill('300');
  await page.getByLabel('Note to the person').fill('Economy only, please.');
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByTestId('travel-state')).toHaveText('Approved');
  await expect(page.getByTestId('travel-approved')).toContainText('EUR 650.00');

  // The attendee sees it.
  await open(alice, requestUrl);
  await expect(alice.getByTestId('travel-state')).toHaveText('Approved');
  await expect(alice.getByTestId('travel-approved')).toContainText('EUR 650.00');
  await expect(alice.locator('p.note', { hasText: 'Economy only, please.' })).toBeVisible();
  await expect(alice.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  // Another attendee cannot open it, and sees only the days on the board.
  const bobCtx = await browser.newContext();
  const bob = await bobCtx.newPage();
  await devSignIn(bob, 'bob', 'attendee');
  await open(bob, `/h/${slug}`);
  await bob.getByRole('button', { name: 'Join this hackfest' }).click();
  await expect(bob.getByRole('link', { name: 'Travel' })).toBeVisible();
  const r = await bob.goto(requestUrl);
  expect(r?.status()).toBe(404);
  await expect(bob.getByText('650')).toHaveCount(0);
  await open(bob, `/h/${slug}/travel/arrivals`);
  const sunday = bob.getByTestId('board-day').filter({ hasText: 'Sunday 22 November' });
  await expect(sunday).toContainText('alice');
  await expect(sunday).not.toContainText('14:10');
  await expect(sunday).not.toContainText('FR123');

  // The organizer's board: the time and how.
  await open(page, `/h/${slug}/travel/arrivals`);
  const day = page.getByTestId('board-day').filter({ hasText: 'Sunday 22 November' });
  await expect(day.getByTestId('movement')).toContainText('14:10');
  await expect(day.getByTestId('movement')).toContainText('flight FR123, lands 14:10 BRQ');
  await expect(page.getByTestId('board-day').filter({ hasText: 'Friday 27 November' })).toContainText('alice');

  // Anonymous readers see nothing.
  const anon = await browser.newContext();
  const reader = await anon.newPage();
  const a = await reader.goto(`/h/${slug}/travel`);
  expect(a?.status()).toBe(401);
  await anon.close();
  await aliceCtx.close();
  await bobCtx.close();
  expect(errors).toEqual([]);
});
