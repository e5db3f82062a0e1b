// « Facturation » in a real browser. Staff issue a fee invoice and a rental invoice
// (through the API, which has no staff screen yet); at 360 px and with the keyboard, the
// family opens the Cotisations tab, sees what remains to pay and the next due date, and
// opens the invoice's PDF duplicate in a new tab with Enter; staff record a payment and
// the family sees the new balance and the payment; the Locations tab holds the rental.
// axe-core finds no violation on either tab at 1280 and 360 px.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, launchBrowser, logInWithMouse, newPage, screenshot, startTutti, tabTo, waitForHome,
} from './support/tutti.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function token(baseUrl, { login, password }) {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ site: DEMO.siteSlug, login, password }),
    });
    assert.equal(response.status, 200, `API login of ${login}`);
    return (await response.json()).access_token;
}

async function call(baseUrl, bearer, method, path, body) {
    const answer = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    assert.ok(answer.ok, `${method} ${path}: ${answer.status} ${text}`);
    return JSON.parse(text);
}

async function axeRules(page, where) {
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: axePath });
    const results = await page.evaluate(() => window.axe.run(document));
    if (results.violations.length > 0) console.log(`axe violations on ${where}:\n${JSON.stringify(results.violations, null, 2)}`);
    return results.violations.map((violation) => violation.id);
}

async function fits(page, where) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${where}: nothing wider than the screen (${overflow} px too wide)`);
}

describe('Facturation', () => {
    let server;
    let browser;
    let staff;
    let fee;
    let rental;
    let household;

    before(async () => {
        server = await startTutti();
        browser = await launchBrowser();
        staff = await token(server.baseUrl, DEMO.staff);
        const family = await token(server.baseUrl, DEMO.family);
        household = (await call(server.baseUrl, family, 'GET', '/family')).id;
        fee = await call(server.baseUrl, staff, 'POST', '/admin/invoices', {
            household_id: household, kind: 'cotisation', label: 'Cotisation 2026-2027',
            lines: [{ label: 'Piano – Léa', amount_cents: 123_456 }],
        });
        rental = await call(server.baseUrl, staff, 'POST', '/admin/invoices', {
            household_id: household, kind: 'location', label: 'Location de violon',
            lines: [{ label: 'Violon 3/4, septembre à juin', amount_cents: 12_000 }],
        });
    });

    after(async () => {
        await browser?.close();
        await server?.stop();
    });

    test('at 360 px, the family opens an invoice PDF with the keyboard and sees a payment lower the balance', async () => {
        const page = await newPage(browser, { width: 360, height: 780 });
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.family);
            await waitForHome(page, DEMO.family.name);
            await page.goto(`${server.baseUrl}/facturation`);
            const number = page.getByRole('button', { name: `Facture ${fee.number}` });
            await number.waitFor();
            assert.equal(await page.getByRole('button', { name: `Facture ${rental.number}` }).count(), 0, 'the rental is in the other tab');
            const summary = page.locator('.billing-summary');
            assert.match(await summary.innerText(), /Reste à payer\s+1\u202f234,56\u00a0€/);
            assert.match(await summary.innerText(), /Prochaine échéance/);
            await fits(page, 'Cotisations');
            await screenshot(page, 'billing-fees-360');

            await tabTo(page, number, { max: 60 });
            const [popup] = await Promise.all([page.context().waitForEvent('page'), page.keyboard.press('Enter')]);
            await popup.waitForURL(/^blob:/, { timeout: 10_000 });
            await popup.close();

            await call(server.baseUrl, staff, 'POST', '/admin/payments', {
                household_id: household, paid_on: '2026-11-30', method: 'cheque', reference: 'Chèque 42',
                allocations: [{ invoice_id: fee.id, amount_cents: 23_456 }],
            });
            await page.reload();
            await page.getByRole('table', { name: 'Règlements' }).waitFor();
            assert.match(await summary.innerText(), /Reste à payer\s+1\u202f000,00\u00a0€/);
            assert.match(await page.getByRole('table', { name: 'Règlements' }).innerText(), /Chèque 42/);
            await screenshot(page, 'billing-paid-360');
            const receipt = page.getByRole('button', { name: 'Reçu du 30/11/2026' });
            await tabTo(page, receipt, { max: 60 });
            const [receiptTab] = await Promise.all([page.context().waitForEvent('page'), page.keyboard.press('Enter')]);
            await receiptTab.waitForURL(/^blob:/, { timeout: 10_000 });
            await receiptTab.close();

            await page.getByRole('link', { name: 'Locations', exact: true }).click();
            await page.getByRole('button', { name: `Facture ${rental.number}` }).waitFor();
            assert.match(await summary.innerText(), /Reste à payer\s+120,00\u00a0€/);
        } finally {
            await page.context().close();
        }
    });

    for (const width of [1280, 360]) {
        test(`at ${width} px, both tabs have no axe violation`, async () => {
            const page = await newPage(browser, { width, height: 800, bypassCSP: true });
            try {
                await page.goto(`${server.baseUrl}/`);
                await logInWithMouse(page, DEMO.family);
                await waitForHome(page, DEMO.family.name);
                for (const [path, number] of [['/facturation', fee.number], ['/facturation/locations', rental.number]]) {
                    await page.goto(`${server.baseUrl}${path}`);
                    await page.getByRole('button', { name: new RegExp(number) }).waitFor();
                    await fits(page, path);
                    if (width === 1280) await screenshot(page, `billing${path.replaceAll('/', '-')}-1280`);
                    assert.deepEqual(await axeRules(page, `${path} at ${width} px`), []);
                }
            } finally {
                await page.context().close();
            }
        });
    }
});
