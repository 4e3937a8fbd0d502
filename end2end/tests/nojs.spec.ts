import { test, expect, type Page } from '@playwright/test';
import { createHackfest, devSignIn, noJavaScriptContext, uniqueSlug } from './helpers';

// Issue 14: with JavaScript disabled every create and edit form saves, and a validation
// error shows next to its field (with what was typed kept). One hackfest, one signed-in
// organizer in a browser context without JavaScript, every kind of object in turn.

interface Form {
  kind: string;
  /** The create form's path under /h/{slug}. */
  path: string;
  /** Fills everything but the field left wrong. */
  fill: (p: Page, title: string) => Promise<void>;
  /** The field the first submit leaves empty or wrong, its label and its message. */
  bad: { id: string; label: string; value: string; message: RegExp };
  /** The label of the field holding the title (for the edit step). */
  titleLabel: string;
  create: string;
  save: string;
}

const forms: Form[] = [
  {
    kind: 'goal', path: 'goals/new', titleLabel: 'Title', create: 'Add goal', save: 'Save changes',
    bad: { id: 'progress', label: 'Progress (%)', value: '140', message: /progress/i },
    fill: async (p, title) => { await p.getByLabel('Title').fill(title); },
  },
  {
    kind: 'session', path: 'sessions/new', titleLabel: 'Title', create: 'Schedule session', save: 'Save changes',
    bad: { id: 'ends_at', label: 'Ends', value: '2026-11-24T09:00', message: /end/i },
    fill: async (p, title) => {
      await p.getByLabel('Title').fill(title);
      await p.getByLabel('Starts').fill('2026-11-24T10:00');
    },
  },
  {
    kind: 'decision', path: 'decisions/new', titleLabel: 'Title', create: 'Record decision', save: 'Save changes',
    bad: { id: 'title', label: 'Title', value: '', message: /required/i },
    fill: async (p) => { await p.getByLabel('Decision', { exact: true }).fill('Archive volumes go on the slow tier.'); },
  },
  {
    kind: 'action item', path: 'actions/new', titleLabel: 'Title', create: 'Add action item', save: 'Save changes',
    bad: { id: 'title', label: 'Title', value: '', message: /required/i },
    fill: async (p) => { await p.getByLabel('Owner').fill('bob'); },
  },
  {
    kind: 'wiki page', path: 'pages/new', titleLabel: 'Title', create: 'Create page', save: 'Save page',
    bad: { id: 'title', label: 'Title', value: '', message: /required/i },
    fill: async (p) => { await p.getByLabel('Body (Markdown)').fill('Plans for the **storage** move.'); },
  },
  {
    kind: 'room', path: 'rooms/new', titleLabel: 'Name', create: 'Add room', save: 'Save changes',
    bad: { id: 'capacity', label: 'Capacity', value: '0', message: /1 to 10000/ },
    fill: async (p, title) => { await p.getByLabel('Name').fill(title); },
  },
];

test('without JavaScript every create and edit form saves, and errors show beside their fields', async ({ browser, page }) => {
  test.setTimeout(120_000);
  const slug = await createHackfest(page, 'No Script Hackfest');
  const ctx = await noJavaScriptContext(browser);
  const plain = await ctx.newPage();
  await devSignIn(plain, 'olivia', 'organizer');

  for (const f of forms) {
    const title = `Plain ${f.kind} ${uniqueSlug('t')}`;
    await plain.goto(`/h/${slug}/${f.path}`);
    await expect(plain.locator('form[method="post"]').first(), `${f.kind}: a POST form`).toBeVisible();
    await f.fill(plain, title);
    await plain.getByLabel(f.bad.label, { exact: true }).fill(f.bad.value);
    await plain.getByRole('button', { name: f.create, exact: true }).click();

    // Answered in place: the same page, nothing typed in the address, the message next
    // to its field, the field marked invalid, and what was typed still there.
    const url = new URL(plain.url());
    expect(url.pathname, `${f.kind}: stays on the form`).toBe(`/h/${slug}/${f.path}`);
    expect(url.search, `${f.kind}: nothing typed in the address`).toBe('');
    const field = plain.locator(`.field:has(#${f.bad.id})`);
    await expect(field.locator(`#${f.bad.id}-error`), `${f.kind}: the message beside ${f.bad.id}`).toHaveText(f.bad.message);
    await expect(field).toHaveClass(/invalid/);
    await expect(plain.getByLabel(f.bad.label, { exact: true })).toHaveAttribute('aria-invalid', 'true');

    // Mend it and save: the browser lands on the new object, not on an empty form.
    if (f.bad.id === 'title') {
      await plain.getByLabel(f.titleLabel, { exact: true }).fill(title);
    } else if (f.bad.id === 'ends_at') {
      await plain.getByLabel('Ends').fill('2026-11-24T11:00');
    } else if (f.bad.id === 'progress') {
      await plain.getByLabel('Progress (%)').fill('40');
    } else {
      await plain.getByLabel(f.bad.label, { exact: true }).fill('12');
    }
    await plain.getByRole('button', { name: f.create, exact: true }).click();
    expect(new URL(plain.url()).pathname, `${f.kind}: left the form`).not.toMatch(/\/new$/);
    await expect(plain.getByText(title).first(), `${f.kind}: the saved object is shown`).toBeVisible();

    // Its editor saves too. Wiki pages and goals show their own page after saving;
    // the page of the object itself is found from where the create landed.
    const objectPage = await objectUrl(plain, slug, f, title);
    await plain.goto(`${objectPage}/edit`);
    const renamed = `${title} (renamed)`;
    await plain.getByLabel(f.titleLabel, { exact: true }).fill(renamed);
    if (f.kind === 'wiki page') await plain.getByLabel('What did you change?').fill('A better title.');
    await plain.getByRole('button', { name: f.save, exact: true }).click();
    expect(new URL(plain.url()).pathname, `${f.kind}: left the editor`).not.toMatch(/\/edit$/);
    await plain.goto(objectPage);
    await expect(plain.getByRole('heading', { level: 1, name: renamed }), `${f.kind}: the new title`).toBeVisible();
  }
  await ctx.close();
});

/** The object's own page: where the create landed, or the link to it there. */
async function objectUrl(p: Page, slug: string, f: Form, title: string): Promise<string> {
  const here = new URL(p.url()).pathname;
  const section = f.path.split('/')[0];
  if (new RegExp(`^/h/${slug}/${section}/[^/]+$`).test(here)) return here;
  const href = await p.getByRole('link', { name: title }).first().getAttribute('href');
  expect(href, `${f.kind}: a link to the new object`).toBeTruthy();
  return new URL(href!, p.url()).pathname;
}

// Issue 15: the tokens page and the webhooks page are plain forms. Without JavaScript,
// a wrong field is named beside it (what was typed kept); a token is shown once and
// works against the JSON API; an endpoint's secret is shown once.
test('without JavaScript a token is made and works, and a webhook endpoint is registered', async ({ browser, page }) => {
  test.setTimeout(90_000);
  const slug = await createHackfest(page, 'Token Hackfest');
  const ctx = await noJavaScriptContext(browser);
  const plain = await ctx.newPage();
  await devSignIn(plain, 'olivia', 'organizer');

  await plain.goto('/tokens');
  await plain.getByLabel('Name').fill('CI bot');
  await plain.getByLabel('Hackfest', { exact: true }).selectOption(slug);
  await plain.getByLabel('Scope').selectOption('write');
  await plain.getByLabel('Expires in (days)').fill('400');
  await plain.getByRole('button', { name: 'Make the token' }).click();
  await expect(plain.locator('#expires_in_days-error')).toHaveText(/1 to 366/);
  await expect(plain.getByLabel('Name')).toHaveValue('CI bot');
  await plain.getByLabel('Expires in (days)').fill('30');
  await plain.getByRole('button', { name: 'Make the token' }).click();
  const token = await plain.getByLabel('Your new API token').inputValue();
  expect(token).toMatch(/^hft_[A-Za-z0-9_-]{43}$/);
  const me = await plain.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).hackfest).toBe(slug);
  await plain.goto('/tokens');
  await expect(plain.getByRole('row', { name: /CI bot/ })).toContainText('Live');
  await expect(plain.locator('body')).not.toContainText(token);
  await plain.getByRole('button', { name: 'Revoke CI bot' }).click();
  await expect(plain.getByRole('row', { name: /CI bot/ })).toContainText('Revoked');
  const after = await plain.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);

  await plain.goto(`/h/${slug}/webhooks`);
  await plain.getByLabel('URL').fill('http://192.168.1.10/hook');
  await plain.getByLabel('Topics').fill('hackfest.goal.*');
  await plain.getByRole('button', { name: 'Register' }).click();
  await expect(plain.locator('#url-error')).toHaveText(/private or local/);
  await expect(plain.getByLabel('Topics')).toHaveValue('hackfest.goal.*');
  await plain.getByLabel('URL').fill('https://93.184.216.34/hook');
  await plain.getByRole('button', { name: 'Register' }).click();
  await expect(plain.getByLabel('Signing secret')).toHaveValue(/^whsec_/);
  await plain.goto(`/h/${slug}/webhooks`);
  await expect(plain.getByTestId('endpoint')).toContainText('https://93.184.216.34/hook');
  await ctx.close();
});
