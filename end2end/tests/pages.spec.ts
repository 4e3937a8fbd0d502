import { test, expect, type Page } from '@playwright/test';
import { createHackfest, devSignIn, open, watchErrors } from './helpers';

/** Creates a wiki page through the UI and waits for its page. */
async function createPage(page: Page, slug: string, title: string, body: string, comment: string) {
  await open(page, `/h/${slug}/pages`);
  await page.getByRole('link', { name: 'New page' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor();
  await expect(page.getByRole('heading', { name: 'New page' })).toBeVisible();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Body (Markdown)').fill(body);
  await page.getByLabel('What did you change?').fill(comment);
  await page.getByRole('button', { name: 'Create page' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

test('edit a wiki page, compare two revisions, revert', async ({ browser, page }) => {
  const errors = watchErrors(page);
  const slug = await createHackfest(page, 'Wiki Hackfest');
  await createPage(page, slug, 'OpenShift', '## How do I get a project?\n\nAsk in the channel.', 'First questions');
  await expect(page).toHaveURL(new RegExp(`/h/${slug}/pages/openshift$`));
  await expect(page.locator('.markdown h2')).toHaveText('How do I get a project?');

  // Edit: the answer changes, a line is added.
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await page.locator('body[data-hydrated="true"]').waitFor();
  await expect(page.getByRole('heading', { name: 'Edit page' })).toBeVisible();
  await expect(page.getByLabel('Body (Markdown)')).toHaveValue(/Ask in the channel/);
  await page.getByLabel('Body (Markdown)').fill(
    '## How do I get a project?\n\nOpen a ticket for the infrastructure team.\n\n## Where do the logs go?\n\n`oc logs`.',
  );
  await page.getByLabel('What did you change?').fill('Tickets, logs');
  await page.getByRole('button', { name: 'Save page' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'OpenShift' })).toBeVisible();
  await expect(page.locator('.markdown')).toContainText('Open a ticket');
  await expect(page.locator('p.meta').first()).toContainText('Revision 2');

  // History: compare revision 1 with 2, line by line.
  await page.getByRole('link', { name: 'History' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor();
  await expect(page.getByRole('heading', { name: 'History of OpenShift' })).toBeVisible();
  const revisions = page.locator('table.revisions tbody tr');
  await expect(revisions).toHaveCount(2);
  await expect(revisions.first()).toContainText('Tickets, logs');
  await page.getByLabel('Compare from revision 1').check();
  await page.getByLabel('Compare to revision 2').check();
  await page.getByRole('button', { name: 'Compare selected revisions' }).click();
  await expect(page).toHaveURL(/[?&]from=1(&|$)/);
  await expect(page).toHaveURL(/[?&]to=2(&|$)/);
  const diff = page.getByRole('region', { name: /Changes from revision 1/ });
  await expect(diff).toBeVisible();
  await expect(diff.locator('tr.removed')).toContainText(['Ask in the channel.']);
  await expect(diff.locator('tr.added').first()).toContainText('Open a ticket for the infrastructure team.');
  await expect(diff.locator('tr.added')).toContainText(['## Where do the logs go?']);

  // Revert to revision 1: a new revision 3 with the old text.
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByRole('button', { name: 'Revert to revision 1' }).click();
  await expect(page).toHaveURL(new RegExp(`/h/${slug}/pages/openshift$`));
  await expect(page.locator('.markdown')).toContainText('Ask in the channel.');
  await expect(page.locator('.markdown')).not.toContainText('Open a ticket');
  await expect(page.locator('p.meta').first()).toContainText('Revision 3');
  await open(page, `/h/${slug}/pages/openshift/history`);
  await expect(page.locator('table.revisions tbody tr')).toHaveCount(3);
  await expect(page.locator('#rev-3')).toContainText('Revert to revision 1');
  expect(errors).toEqual([]);

  // Without JavaScript, reverting is a plain form post that comes back to the history.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await devSignIn(plain, 'olivia', 'organizer');
  await plain.goto(`/h/${slug}/pages/openshift/history`);
  await plain.getByRole('button', { name: 'Revert to revision 2' }).click();
  await expect(plain).toHaveURL(new RegExp(`/h/${slug}/pages/openshift/history\\??$`));
  await expect(plain.locator('table.revisions tbody tr')).toHaveCount(4);
  await expect(plain.locator('#rev-4')).toContainText('Revert to revision 2');
  await plain.goto(`/h/${slug}/pages/openshift`);
  await expect(plain.locator('.markdown')).toContainText('Open a ticket');
  await noJs.close();
});

test('questions on a page: ask, answer, reopen; the counts follow', async ({ page }) => {
  const errors = watchErrors(page);
  const slug = await createHackfest(page, 'Questions Hackfest');
  await createPage(page, slug, 'Storage', 'Plans for the storage move.', '');
  await page.locator('body[data-hydrated="true"]').waitFor();
  await expect(page.locator('.questions > p.meta')).toHaveText('No questions yet.');
  await page.getByLabel('Ask a question').fill('Which volumes move first?');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const q = page.locator('li.question', { hasText: 'Which volumes move first?' });
  await expect(q).toHaveAttribute('data-state', 'open');
  await expect(page.locator('.questions > p.meta')).toHaveText('1 asked, 1 open');

  await q.getByLabel('Answer (Markdown)').fill('The **archive** volumes.');
  await q.getByRole('button', { name: 'Save answer' }).click();
  await expect(q).toHaveAttribute('data-state', 'answered');
  await expect(q.locator('strong')).toHaveText('archive');
  await expect(page.locator('.questions > p.meta')).toHaveText('1 asked, 0 open');

  await q.getByRole('button', { name: 'Reopen' }).click();
  await expect(q).toHaveAttribute('data-state', 'open');
  await expect(page.locator('.questions > p.meta')).toHaveText('1 asked, 1 open');
  // Saved, not only shown.
  await page.reload();
  await expect(page.locator('.questions > p.meta')).toHaveText('1 asked, 1 open');
  expect(errors).toEqual([]);
});

test('an XSS vector in a page renders inert', async ({ page }) => {
  const slug = await createHackfest(page, 'XSS Hackfest');
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const body = [
    'Before <script>window.__xss = "script"; alert("script")</script> after',
    '',
    '<img src="x" onerror="window.__xss = \'img\'; alert(\'img\')">',
    '',
    '[click me](javascript:window.__xss=\'link\')',
    '',
    '<a href="javascript:alert(\'a\')" onclick="window.__xss=\'onclick\'">raw link</a>',
    '',
    '<iframe src="javascript:alert(\'iframe\')"></iframe><svg onload="alert(\'svg\')"></svg>',
    '',
    '</textarea><b id="escaped">not bold</b>',
  ].join('\n');
  await createPage(page, slug, 'Payloads', body, 'XSS vectors');
  const md = page.locator('.markdown');
  await expect(md).toContainText('Before');
  expect(await md.locator('script, iframe, svg, [onerror], [onclick], [onload]').count()).toBe(0);
  for (const href of await md.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) {
    expect(href.toLowerCase()).not.toContain('javascript:');
  }
  await md.getByText('click me').click();
  await md.getByText('raw link').click();
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);

  // The source, in the editor's textarea, is text: the closing tag does not escape it.
  await open(page, `/h/${slug}/pages/payloads/edit`);
  await expect(page.getByLabel('Body (Markdown)')).toHaveValue(body);
  await expect(page.locator('#escaped')).toHaveCount(0);
  expect(dialogs).toEqual([]);
});
