import { test, expect, Page } from '@playwright/test';
import { createHackfest, devSignIn, open, watchErrors } from './helpers';

async function addRoom(page: Page, slug: string, name: string) {
  await open(page, `/h/${slug}/rooms/new`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Location').fill('9th floor');
  await page.getByLabel('Capacity').fill('12');
  await page.getByLabel('Opens').fill('08:00');
  await page.getByLabel('Closes').fill('18:00');
  await page.getByRole('button', { name: 'Add room' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

async function scheduleSession(page: Page, slug: string, title: string, room: string) {
  await open(page, `/h/${slug}/sessions/new`);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Kind').selectOption('meeting');
  await page.getByLabel('Starts').fill('2026-11-24T10:00');
  await page.getByLabel('Ends').fill('2026-11-24T11:00');
  await page.getByLabel('Room', { exact: true }).selectOption({ label: `${room} (9th floor, 12 people)` });
  await page.getByRole('button', { name: 'Schedule session' }).click();
}

// Issue 12: an organizer books a session into a room, a second booking of the slot is
// refused naming the first, and the timetable shows the room's day - with JavaScript, on
// a phone, and without JavaScript.
test('a room is never booked twice, and the timetable shows the day', async ({ browser, page }) => {
  const errors = watchErrors(page);
  const slug = await createHackfest(page, 'Schedule Hackfest');
  await addRoom(page, slug, 'Fedora');

  await scheduleSession(page, slug, 'Meeting with the storage team', 'Fedora');
  await expect(page.getByRole('heading', { name: 'Meeting with the storage team' })).toBeVisible();

  await scheduleSession(page, slug, 'Datacenter move', 'Fedora');
  const error = page.locator('#room_id-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('Meeting with the storage team');
  await expect(page.getByLabel('Title')).toHaveValue('Datacenter move');

  await open(page, `/h/${slug}/schedule?day=2026-11-24`);
  await expect(page.getByRole('heading', { name: 'Schedule' })).toBeVisible();
  const grid = page.locator('.tt-grid');
  await expect(grid.getByRole('link', { name: /Meeting with the storage team/ })).toBeVisible();
  await expect(grid).toContainText('Fedora · 9th floor · 12 people');
  await expect(grid).not.toContainText('Datacenter move');
  // Placed by the stylesheet: the session's box is in Fedora's column, below its head.
  const head = await grid.locator('.tt-room', { hasText: 'Fedora' }).boundingBox();
  const box = await grid.getByRole('link', { name: /Meeting with the storage team/ }).boundingBox();
  expect(box && head && Math.abs(box.x - head.x) < 4 && box.y > head.y + head.height).toBeTruthy();
  expect(box && box.height > 40).toBeTruthy();
  // The keyboard reaches the session from the grid.
  await grid.getByRole('link', { name: /Meeting with the storage team/ }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Meeting with the storage team' })).toBeVisible();
  // The refused booking's 422 is the only error the console saw (no CSP refusals).
  expect(errors.filter((e) => !e.includes('422'))).toEqual([]);

  // A phone gets the list per room instead of the grid.
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, `/h/${slug}/schedule?day=2026-11-24`);
  await expect(page.locator('.tt-grid')).toBeHidden();
  await expect(page.locator('.tt-agenda').getByRole('link', { name: /Meeting with the storage team/ })).toBeVisible();

  // Without JavaScript: the whole day, and now and next.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const reader = await noJs.newPage();
  const r = await reader.goto(`/h/${slug}/schedule?day=2026-11-24`);
  expect(r?.status()).toBe(200);
  await expect(reader.locator('.tt-grid').getByRole('link', { name: /Meeting with the storage team/ })).toBeVisible();
  const now = await reader.goto(`/h/${slug}/schedule/now`);
  expect(now?.status()).toBe(200);
  await expect(reader.getByRole('heading', { name: 'Fedora' })).toBeVisible();
  await noJs.close();
});

// Issue 12, items 3 and 5: an attendee books a breakout from the timetable (only rooms
// open for breakouts are theirs to book); an organizer's session that needs the same
// guest team at the same time warns on both sessions and on the timetable, and the
// organizer acknowledges it (who is shown).
test('an attendee books a breakout; a double-booked team warns until acknowledged', async ({ browser, page }) => {
  const slug = await createHackfest(page, 'Breakout Hackfest');
  await addRoom(page, slug, 'Fedora');
  await open(page, `/h/${slug}/rooms/new`);
  await page.getByLabel('Name').fill('Hotel lobby');
  await page.getByLabel('Open for breakouts').check();
  await page.getByRole('button', { name: 'Add room' }).click();
  await expect(page.getByRole('heading', { name: 'Hotel lobby' })).toBeVisible();

  const ctx = await browser.newContext();
  const nils = await ctx.newPage();
  await devSignIn(nils, 'nils', 'attendee');
  await open(nils, `/h/${slug}`);
  await nils.getByRole('button', { name: 'Join this hackfest' }).click();
  await expect(nils.getByRole('link', { name: 'Add a goal' })).toBeVisible();
  await open(nils, `/h/${slug}/schedule?day=2026-11-24`);
  // Only the breakout room offers a booking.
  await expect(nils.getByRole('link', { name: 'Book a breakout in Fedora' })).toHaveCount(0);
  await nils.locator('.tt-grid').getByRole('link', { name: 'Book a breakout in Hotel lobby' }).click();
  await nils.locator('body[data-hydrated="true"]').waitFor();
  await expect(nils.getByRole('heading', { name: 'Schedule a session' })).toBeVisible();
  await expect(nils.getByLabel('Room', { exact: true })).toHaveValue(/[0-9a-f-]{36}/);
  await expect(nils.getByLabel('Starts')).toHaveValue('2026-11-24T10:00');
  await expect(nils.getByText('You may book a free slot in a room open for breakouts: Hotel lobby.')).toBeVisible();
  await nils.getByLabel('Title').fill('Storage plans breakout');
  await nils.getByLabel('Starts').fill('2026-11-24T16:00');
  await nils.getByLabel('Ends').fill('2026-11-24T17:00');
  await nils.getByLabel('Required participants').fill('nils\nRed Hat Storage team');
  await nils.getByRole('button', { name: 'Schedule session' }).click();
  await expect(nils.getByRole('heading', { name: 'Storage plans breakout' })).toBeVisible();
  await expect(nils.getByText('Room Hotel lobby')).toBeVisible();
  await ctx.close();

  // The organizer needs the same team in Fedora at 16:30.
  await open(page, `/h/${slug}/sessions/new`);
  await page.getByLabel('Title').fill('Storage team sync');
  await page.getByLabel('Starts').fill('2026-11-24T16:30');
  await page.getByLabel('Ends').fill('2026-11-24T17:30');
  await page.getByLabel('Room', { exact: true }).selectOption({ label: 'Fedora (9th floor, 12 people)' });
  await page.getByLabel('Required participants').fill('Red Hat Storage team');
  await page.getByRole('button', { name: 'Schedule session' }).click();
  await expect(page.getByRole('heading', { name: 'Storage team sync' })).toBeVisible();
  const warning = page.getByTestId('warning');
  await expect(warning).toHaveCount(1);
  await expect(warning).toContainText('Double-booked');
  await expect(warning).toContainText('Red Hat Storage team is also in “Storage plans breakout”');

  await open(page, `/h/${slug}/schedule?day=2026-11-24`);
  await expect(page.getByTestId('tt-warnings')).toContainText('2 warnings on this day');
  await expect(page.locator('.tt-grid .tt-entry.warned')).toHaveCount(2);

  await open(page, `/h/${slug}/schedule?day=2026-11-24`);
  await page.locator('.tt-grid').getByRole('link', { name: /Storage team sync/ }).click();
  await expect(page.getByRole('heading', { name: 'Storage team sync' })).toBeVisible();
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByTestId('warning')).toContainText('Acknowledged by olivia');
  await expect(page.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Warnings (all acknowledged)' })).toBeVisible();
  await open(page, `/h/${slug}/schedule?day=2026-11-24`);
  await expect(page.getByTestId('tt-warnings')).toContainText('1 warning on this day');
});
