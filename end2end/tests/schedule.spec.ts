import { test, expect, Page } from '@playwright/test';
import { createHackfest, open, watchErrors } from './helpers';

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
