// The staff's « Locations » in a real browser. Staff filter the inventory (the filters
// stay in the address), add a violin (an inventory number already taken is refused beside
// its box first), lend it to Léa Martin, see it « Prêté », record its return « À réparer »
// and find that it can no longer be lent (nor through the API). A cello lent and returned
// in a past school year (prepared through the API) is invoiced: the preview shows the
// household's lines and total, the issue after a confirmation shows the invoice issued.
// axe-core finds no violation on the inventory, an item and the invoicing at 1280 and
// 360 px.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, launchBrowser, logInWithMouse, newPage, screenshot, sqliteQuery, startTutti,
} from './support/tutti.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe on the page as it is; its violations' rule names, the details printed. */
async function axeRules(page, where) {
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: axePath });
    const results = await page.evaluate(() => window.axe.run(document));
    if (results.violations.length > 0) console.log(`axe violations on ${where}:\n${JSON.stringify(results.violations, null, 2)}`);
    return results.violations.map((violation) => violation.id);
}

/** Follows a link of the main menu, opening the folded menu first on a phone. */
async function openFromMenu(page, name) {
    const link = page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name, exact: true });
    if (!(await link.isVisible())) await page.getByRole('button', { name: 'Menu' }).click();
    await link.click();
}

/** Logs staff in and opens « Locations » from the menu. */
async function openRentals(page, baseUrl) {
    await page.goto(`${baseUrl}/`);
    await logInWithMouse(page, DEMO.staff);
    await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
    await openFromMenu(page, 'Locations');
    await page.getByRole('heading', { level: 1, name: 'Locations' }).waitFor();
    await page.getByRole('table', { name: /articles$/ }).waitFor();
}

/** Logs staff in through the API; a function that calls it with their token. */
async function staffApi(baseUrl) {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ site: DEMO.siteSlug, login: DEMO.staff.login, password: DEMO.staff.password }),
    });
    assert.equal(response.status, 200);
    const token = (await response.json()).access_token;
    return async (method, path, body, expected = 'ok') => {
        const answer = await fetch(`${baseUrl}/api/v1${path}`, {
            method,
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await answer.text();
        if (expected === 'ok') assert.ok(answer.ok, `${method} ${path}: ${answer.status} ${text}`);
        else assert.equal(answer.status, expected, `${method} ${path}: ${text}`);
        return JSON.parse(text);
    };
}

/** Attaches the page's problems and the server's output to a failure, with a screenshot. */
async function explain(error, page, server, name) {
    await screenshot(page, `FAILED-${name}`).catch(() => {});
    error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
    return error;
}

/** A status message with this text appears. */
function statusWith(page, text) {
    return page.getByRole('status').filter({ hasText: text }).waitFor();
}

describe('staff rentals', () => {
    let server;
    let browser;

    before(async () => {
        server = await startTutti();
        browser = await launchBrowser();
    });

    after(async () => {
        await browser?.close();
        await server?.stop();
    });

    test('staff add a violin, lend it to Léa Martin, record its return « À réparer », and it can no longer be lent', async () => {
        const page = await newPage(browser);
        try {
            await openRentals(page, server.baseUrl);
            const inventory = page.getByRole('table', { name: /articles$/ });
            assert.equal(await inventory.locator('tbody tr').count(), 4, 'the demo inventory');
            const lent = inventory.locator('tbody tr').filter({ hasText: 'V-002' });
            assert.match(await lent.innerText(), /Prêté à Famille Durand \(Nathan Durand\) jusqu'au 30\/06\/\d{4}/);
            assert.match(await inventory.locator('tbody tr').filter({ hasText: 'V-001' }).innerText(), /Disponible/);

            // The filters live in the address.
            await page.locator('#filtre-available').selectOption({ label: 'Prêté' });
            await page.getByRole('button', { name: 'Filtrer' }).click();
            await page.waitForURL(/\/admin\/locations\?available=false$/);
            await page.getByRole('table', { name: '1 article' }).waitFor();
            await page.locator('#filtre-q').fill('Violoncelle 3/4');
            await page.locator('#filtre-available').selectOption({ label: 'Tous les articles' });
            await page.getByRole('button', { name: 'Filtrer' }).click();
            await page.waitForURL(/\?q=Violoncelle\+3%2F4$/);
            await page.getByRole('table', { name: '1 article' }).getByRole('link', { name: 'VC-001' }).waitFor();
            await page.reload();
            await page.getByRole('table', { name: '1 article' }).getByRole('link', { name: 'VC-001' }).waitFor();
            assert.equal(await page.locator('#filtre-q').inputValue(), 'Violoncelle 3/4');
            await page.goBack();
            await page.goBack();
            await page.waitForURL(/\/admin\/locations$/);
            await page.getByRole('table', { name: '4 articles' }).waitFor();

            // A number already taken is refused beside its box.
            await page.locator('#article-category').selectOption({ label: 'Instrument' });
            const tariff = page.locator('#article-tariff_code');
            await tariff.locator('option', { hasText: 'violon, 120,00' }).first().waitFor({ state: 'attached' });
            await tariff.selectOption({ value: 'violon' });
            await page.locator('#article-label').fill('Violon 1/4');
            await page.locator('#article-make').fill('Stentor');
            await page.locator('#article-inventory_number').fill('V-001');
            await page.locator('#article-condition').selectOption({ label: 'Bon état' });
            await page.getByRole('button', { name: "Ajouter l'article" }).click();
            const taken = page.locator('#article-inventory_number-erreur');
            await taken.waitFor();
            assert.match(await taken.innerText(), /déjà/);
            assert.equal(await page.locator('#article-inventory_number').getAttribute('aria-invalid'), 'true');
            await page.waitForFunction(() => document.activeElement?.id === 'article-inventory_number');
            await screenshot(page, 'admin-rentals-refused-1280');

            await page.locator('#article-inventory_number').fill('V-004');
            await page.getByRole('button', { name: "Ajouter l'article" }).click();
            await statusWith(page, '« Violon 1/4 » (V-004) est ajouté à l\'inventaire.');
            const added = page.getByRole('table', { name: '5 articles' }).locator('tbody tr').filter({ hasText: 'V-004' });
            await added.waitFor();
            assert.match(await added.innerText(), /Disponible/);

            // Lend it to Léa Martin.
            await added.getByRole('link', { name: 'V-004' }).click();
            await page.getByRole('heading', { level: 1, name: 'Violon 1/4 (V-004)' }).waitFor();
            await page.getByRole('heading', { level: 2, name: 'Prêter' }).waitFor();
            assert.equal(await page.locator('#pret-ends_on').inputValue().then((value) => value.slice(5)), '06-30', 'the loan ends on 30 June by default');
            await page.getByLabel('Rechercher une famille').fill('Martin');
            await page.getByRole('button', { name: 'Rechercher' }).click();
            await statusWith(page, '1 famille trouvée, choisie : Famille Martin.');
            const student = page.locator('#pret-student_id');
            await student.locator('option', { hasText: 'Léa Martin' }).waitFor({ state: 'attached' });
            await student.selectOption({ label: 'Léa Martin' });
            await screenshot(page, 'admin-rentals-lend-1280');
            await page.getByRole('button', { name: 'Prêter', exact: true }).click();
            await statusWith(page, /« Violon 1\/4 » est prêté à Léa Martin jusqu'au 30\/06\/\d{4}\./);
            await page.waitForFunction(() => document.activeElement?.id === 'article-titre');
            const facts = page.locator('.record-list');
            await page.getByRole('heading', { level: 2, name: 'Prêt en cours' }).waitFor();
            assert.match(await facts.innerText(), /Prêté à Famille Martin \(Léa Martin\) jusqu'au 30\/06\/\d{4}/);
            await screenshot(page, 'admin-rentals-lent-1280');

            // Its return, to be repaired.
            await page.locator('#retour-condition').selectOption({ label: 'À réparer' });
            await page.locator('#retour-notes').fill('Chevalet cassé');
            await page.getByRole('button', { name: 'Enregistrer le retour' }).click();
            await statusWith(page, 'Retour enregistré : « Violon 1/4 » est rendu, état « À réparer ».');
            await page.getByRole('heading', { level: 2, name: 'Prêter' }).waitFor();
            await page.getByText('Cet article ne peut pas être prêté : il est à réparer.').waitFor();
            assert.equal(await page.getByRole('button', { name: 'Prêter', exact: true }).count(), 0, 'no « Prêter » while to be repaired');
            const history = page.getByRole('table', { name: "Prêts de l'article" });
            assert.match(await history.locator('tbody tr').first().innerText(), /Famille Martin[\s\S]*Léa Martin[\s\S]*\(à réparer\)[\s\S]*Chevalet cassé/);
            assert.match(await facts.innerText(), /Indisponible : à réparer/);
            await screenshot(page, 'admin-rentals-returned-1280');

            // The server refuses it too.
            const api = await staffApi(server.baseUrl);
            const item = (await api('GET', '/admin/rental-items?q=V-004')).items[0];
            assert.equal(item.condition, 'a_reparer');
            const loans = await api('GET', `/admin/rental-loans?item_id=${item.id}`);
            assert.equal(loans.items.length, 1);
            const refused = await api('POST', '/admin/rental-loans', {
                item_id: item.id,
                household_id: loans.items[0].household_id,
                student_id: loans.items[0].student_id,
                starts_on: '2026-01-05',
                ends_on: '2026-06-30',
            }, 409);
            assert.match(refused.message, /ne peut pas être prêté/);
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-rentals-journey');
        } finally {
            await page.context().close();
        }
    });

    test('an item changed meanwhile is not overwritten: the page says so and keeps what was typed', async () => {
        const page = await newPage(browser);
        try {
            await openRentals(page, server.baseUrl);
            await page.getByRole('link', { name: 'V-003' }).click();
            await page.getByRole('heading', { level: 1, name: 'Violon 4/4 (V-003)' }).waitFor();
            await page.locator('#modifier-label').waitFor();
            const api = await staffApi(server.baseUrl);
            const item = (await api('GET', '/admin/rental-items?q=V-003')).items[0];
            await api('PUT', `/admin/rental-items/${item.id}`, {
                category: item.category, tariff_code: item.tariff_code, label: item.label, make: 'Gliga Gems',
                inventory_number: item.inventory_number, serial_number: item.serial_number,
                condition: item.condition, notes: item.notes, version: item.version,
            });

            await page.locator('#modifier-notes').fill('Cordes changées');
            await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
            await page.getByRole('alert').filter({ hasText: 'Cet article a été modifié entre-temps' }).waitFor();
            await page.locator('.record-list').filter({ hasText: 'Gliga Gems' }).waitFor();
            assert.equal(await page.locator('#modifier-notes').inputValue(), 'Cordes changées', 'what was typed stays');
            // Sent again, with the version now read.
            await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
            await statusWith(page, '« Violon 4/4 » est enregistré.');
            await page.locator('.record-list').filter({ hasText: 'Cordes changées' }).waitFor();
            const stored = (await api('GET', `/admin/rental-items/${item.id}`));
            assert.equal(stored.notes, 'Cordes changées');
            assert.equal(stored.make, 'Gliga', 'the form sent what it showed, the older make');
        } catch (error) {
            throw await explain(error, page, server, 'admin-rentals-stale');
        } finally {
            await page.context().close();
        }
    });

    test('staff preview then issue the rental invoices of a past period', async () => {
        const page = await newPage(browser);
        try {
            // A cello lent to Nathan Durand through the 2025-2026 school year, returned.
            const api = await staffApi(server.baseUrl);
            const cello = (await api('GET', '/admin/rental-items?q=VC-001')).items[0];
            const durand = (await api('GET', '/admin/families?q=Durand')).items[0];
            const nathan = (await api('GET', `/admin/families/${durand.id}`)).students
                .find((child) => child.fields.first_name === 'Nathan');
            const loan = await api('POST', '/admin/rental-loans', {
                item_id: cello.id, household_id: durand.id, student_id: nathan.id,
                starts_on: '2025-09-01', ends_on: '2026-06-30',
            });
            await api('POST', `/admin/rental-loans/${loan.id}/return`, {
                returned_on: '2026-06-30', condition: 'bon', notes: '', version: loan.version,
            });

            await openRentals(page, server.baseUrl);
            await page.getByRole('link', { name: "Facturer les locations d'une période" }).click();
            await page.getByRole('heading', { level: 1, name: 'Facturer les locations' }).waitFor();
            await page.locator('#periode-from').fill('2025-09-01');
            await page.locator('#periode-to').fill('2026-06-30');
            await page.getByRole('button', { name: 'Aperçu' }).click();
            await page.getByRole('heading', { level: 2, name: 'Aperçu' }).waitFor();
            await page.getByText('1 facture serait émise pour la période du 01/09/2025 au 30/06/2026.').waitFor();
            await page.waitForFunction(() => document.activeElement?.id === 'resultat-titre');
            const preview = page.locator('article').filter({ has: page.getByRole('heading', { level: 3, name: durand.name }) });
            await preview.waitFor();
            assert.match(await preview.innerText(), /Violoncelle 3\/4/);
            assert.match(await preview.innerText(), /Total : 120,00\u00a0€/);
            await screenshot(page, 'admin-rentals-preview-1280');
            assert.equal(sqliteQuery(server.dbPath, "SELECT id FROM invoices WHERE kind = 'location'").length, 0, 'a preview issues nothing');

            await page.getByRole('button', { name: /^Émettre les factures/ }).click();
            await page.getByRole('button', { name: /^Confirmer/ }).click();
            await statusWith(page, '1 facture émise.');
            await page.getByRole('heading', { level: 2, name: 'Émission' }).waitFor();
            await page.getByText('Période du 01/09/2025 au 30/06/2026.').waitFor();
            const issued = page.getByRole('table', { name: 'Factures émises' });
            const row = issued.locator('tbody tr').filter({ hasText: durand.name });
            await row.waitFor();
            assert.match(await row.innerText(), /120,00\u00a0€/);
            await screenshot(page, 'admin-rentals-issued-1280');
            const invoices = sqliteQuery(server.dbPath, "SELECT number, total_cents FROM invoices WHERE kind = 'location'");
            assert.equal(invoices.length, 1);
            assert.equal(Number(invoices[0].total_cents), 12000);
            await row.getByRole('link', { name: invoices[0].number }).click();
            await page.getByRole('heading', { level: 1, name: new RegExp(invoices[0].number) }).waitFor();

            // Issuing again issues nothing new.
            await page.goBack();
            await page.getByRole('heading', { level: 1, name: 'Facturer les locations' }).waitFor();
            await page.locator('#periode-from').fill('2025-09-01');
            await page.locator('#periode-to').fill('2026-06-30');
            await page.getByRole('button', { name: 'Aperçu' }).click();
            await page.getByText('Aucune facture à émettre pour la période du 01/09/2025 au 30/06/2026.').waitFor();
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-rentals-invoicing');
        } finally {
            await page.context().close();
        }
    });

    for (const width of [1280, 360]) {
        test(`at ${width} px, the rentals' screens have no axe violation and fit the screen`, async () => {
            const page = await newPage(browser, { width, height: 800, bypassCSP: true });
            try {
                const fits = async (where) => {
                    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
                    assert.ok(overflow <= 0, `${where}: nothing wider than the screen (${overflow} px too wide)`);
                };
                await openRentals(page, server.baseUrl);
                await fits('the inventory');
                await screenshot(page, `admin-rentals-list-${width}`);
                assert.deepEqual(await axeRules(page, `the inventory at ${width} px`), []);

                await page.getByRole('link', { name: 'V-002' }).click();
                await page.getByRole('heading', { level: 2, name: 'Prêt en cours' }).waitFor();
                await page.locator('#modifier-label').waitFor();
                await fits('a lent item');
                await screenshot(page, `admin-rentals-item-${width}`);
                assert.deepEqual(await axeRules(page, `a lent item at ${width} px`), []);

                await page.goBack();
                await page.getByRole('link', { name: 'V-001' }).click();
                await page.getByRole('heading', { level: 2, name: 'Prêter' }).waitFor();
                await page.getByRole('button', { name: 'Prêter', exact: true }).click();
                await page.locator('#pret-household_id[aria-invalid="true"]').waitFor();
                await fits('an item to lend');
                await screenshot(page, `admin-rentals-lend-errors-${width}`);
                assert.deepEqual(await axeRules(page, `an item to lend, with errors, at ${width} px`), []);

                await page.goto(`${server.baseUrl}/admin/locations/facturation`);
                await page.getByRole('heading', { level: 1, name: 'Facturer les locations' }).waitFor();
                await page.getByRole('button', { name: 'Aperçu' }).click();
                await page.locator('#resultat-titre').waitFor();
                await fits('the invoicing');
                await screenshot(page, `admin-rentals-invoicing-${width}`);
                assert.deepEqual(await axeRules(page, `the invoicing at ${width} px`), []);
            } catch (error) {
                throw await explain(error, page, server, `admin-rentals-${width}`);
            } finally {
                await page.context().close();
            }
        });
    }
});
