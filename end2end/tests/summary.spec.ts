import { test, expect } from '@playwright/test';
import { createHackfest, open, watchErrors } from './helpers';

// Issue 11: an organizer drafts Monday's summary from the record, edits and publishes
// it; an anonymous visitor reads it with JavaScript off (and no WASM is fetched); the
// Atom feed lists it.
test('an organizer publishes Monday\'s summary; anyone reads it without JavaScript', async ({ browser, page }) => {
  const errors = watchErrors(page);
  const slug = await createHackfest(page, 'Summary Hackfest');

  // Monday's record: a session with notes.
  await open(page, `/h/${slug}/sessions/new`);
  await page.getByLabel('Title').fill('Auth systems dump');
  await page.getByLabel('Kind').selectOption('work');
  await page.getByLabel('Starts').fill('2026-11-23T10:00');
  await page.getByLabel('Ends').fill('2026-11-23T12:00');
  await page.getByLabel('Notes').fill('We listed every auth system we run: Ipsilon, FreeIPA, Kerberos.');
  await page.getByRole('button', { name: 'Schedule session' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Auth systems dump' })).toBeVisible();

  // The summary page is plain HTML: drafting from the record is a plain form.
  await page.goto(`/h/${slug}/summary/2026-11-23`);
  await expect(page.getByText('Not published yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Draft from the record' }).click();
  const draft = page.getByRole('region', { name: /Draft/ });
  await expect(draft).toContainText('Auth systems dump');
  await expect(draft).toContainText('Ipsilon, FreeIPA, Kerberos');

  // Edit it (the editor is the shared one, hydrated), then publish.
  await draft.getByRole('link', { name: 'Edit' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor();
  await expect(page.getByRole('heading', { name: 'Edit summary' })).toBeVisible();
  const body = page.getByLabel('Text (Markdown)');
  await body.fill('Monday was **the auth systems dump**.\n\n' + (await body.inputValue()));
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(new RegExp(`/h/${slug}/summary/2026-11-23$`));
  await page.reload();
  await page.getByRole('button', { name: 'Publish this draft' }).click();
  await expect(page.locator('.summary-text').first()).toContainText('Monday was the auth systems dump');
  await expect(page.getByText(/Published .* revision/)).toBeVisible();
  expect(errors).toEqual([]);

  // An anonymous visitor with JavaScript disabled reads it whole; no WASM is fetched.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const reader = await noJs.newPage();
  const fetched: string[] = [];
  reader.on('request', (r) => fetched.push(r.url()));
  const r = await reader.goto(`/h/${slug}/summary/2026-11-23`);
  expect(r?.status()).toBe(200);
  await expect(reader.getByRole('heading', { level: 1 })).toContainText('Summary Hackfest');
  await expect(reader.locator('.summary-text')).toContainText('Monday was the auth systems dump');
  await expect(reader.locator('.summary-text')).toContainText('Auth systems dump');
  await expect(reader.getByText('members only')).toHaveCount(0);
  expect(fetched.filter((u) => u.endsWith('.wasm') || u.endsWith('.js'))).toEqual([]);

  // The Atom feed lists it.
  const feed = await reader.request.get(`/h/${slug}/summary.atom`);
  expect(feed.status()).toBe(200);
  expect(feed.headers()['content-type']).toContain('application/atom+xml');
  const xml = await feed.text();
  expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
  expect(xml).toContain(`/h/${slug}/summary/2026-11-23`);
  await noJs.close();
});
