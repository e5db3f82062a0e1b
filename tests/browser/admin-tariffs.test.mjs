// The staff's « Grille tarifaire » and a household's « Comptes de la famille » in a real
// browser. Staff open the grid from the re-enrolment campaigns, change a price typed the
// French way, add and remove lines, save, reload and find it kept; a bad amount is
// refused beside its box and nothing is saved, as is what only the server refuses (a
// percentage out of range); a grid changed meanwhile is not overwritten. On a household,
// staff create the second guardian's account and see it listed. axe-core finds no
// violation on the grid at 1280 and 360 px.

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

/** Logs staff in and opens the grid from the campaigns' page. */
async function openGrid(page, baseUrl) {
    await page.goto(`${baseUrl}/`);
    await logInWithMouse(page, DEMO.staff);
    await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
    await openFromMenu(page, 'Réinscriptions');
    await page.getByRole('heading', { level: 1, name: 'Réinscriptions' }).waitFor();
    await page.getByRole('link', { name: 'Grille tarifaire' }).click();
    await page.getByRole('heading', { level: 1, name: 'Grille tarifaire' }).waitFor();
    await page.getByRole('table', { name: 'Tarifs annuels par type de cours' }).waitFor();
}

/** The site's stored grid and its version. */
function storedGrid(dbPath) {
    const rows = sqliteQuery(dbPath, 'SELECT grid, version FROM tariff_grids');
    assert.equal(rows.length, 1, 'the demo site has one grid');
    return { ...JSON.parse(rows[0].grid), version: Number(rows[0].version) };
}

/** A box of a list's line, by the ids the screen gives them. */
function box(page, list, index, field) {
    return page.locator(`#tarif-${list}-${index}-${field}`);
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
    return async (method, path, body) => {
        const answer = await fetch(`${baseUrl}/api/v1${path}`, {
            method,
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await answer.text();
        assert.ok(answer.ok, `${method} ${path}: ${answer.status} ${text}`);
        return JSON.parse(text);
    };
}

/** Attaches the page's problems and the server's output to a failure, with a screenshot. */
async function explain(error, page, server, name) {
    await screenshot(page, `FAILED-${name}`).catch(() => {});
    error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
    return error;
}

describe('staff tariff grid and family accounts', () => {
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

    for (const width of [1280, 360]) {
        test(`at ${width} px, the tariff grid has no axe violation and fits the screen`, async () => {
            // axe-core is injected as a script, which the server's CSP forbids.
            const page = await newPage(browser, { width, height: 800, bypassCSP: true });
            try {
                await openGrid(page, server.baseUrl);
                await page.getByRole('table', { name: 'Tranches de quotient familial' }).waitFor();
                await page.getByRole('table', { name: "Location d'instruments, par an" }).waitFor();
                await page.getByRole('group', { name: /^Réductions pour les frères et sœurs/ }).waitFor();
                const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
                assert.ok(overflow <= 0, `nothing wider than the screen (${overflow} px too wide)`);
                await screenshot(page, `admin-tariffs-${width}`);
                assert.deepEqual(await axeRules(page, `the tariff grid at ${width} px`), []);

                // With messages beside boxes, too.
                await box(page, 'course_kinds', 0, 'resident_price_cents').fill('trois cents');
                await page.getByRole('button', { name: 'Enregistrer la grille' }).click();
                await page.locator('#tarif-course_kinds-0-resident_price_cents[aria-invalid="true"]').waitFor();
                await screenshot(page, `admin-tariffs-errors-${width}`);
                assert.deepEqual(await axeRules(page, `the tariff grid with errors at ${width} px`), []);
            } catch (error) {
                throw await explain(error, page, server, `admin-tariffs-${width}`);
            } finally {
                await page.context().close();
            }
        });
    }

    test('staff change a price in euros, add and remove lines, save, and find the grid kept after a reload', async () => {
        const page = await newPage(browser);
        try {
            const before = storedGrid(server.dbPath);
            await openGrid(page, server.baseUrl);
            const danse = before.course_kinds.findIndex((kind) => kind.code === 'danse');
            assert.ok(danse >= 0, 'the demo grid prices dance');
            const price = box(page, 'course_kinds', danse, 'resident_price_cents');
            assert.equal(await price.inputValue(), '250', 'cents shown as euros');
            assert.equal(await page.getByLabel(`Tarif résident (€), ligne ${danse + 1}`).getAttribute('id'), await price.getAttribute('id'));
            await price.fill('1 234,56');
            await page.locator('#tarif-floor_cents').fill('45,5');

            // A new rental: the focus goes to its first box.
            await page.getByRole('button', { name: 'Ajouter un instrument' }).click();
            const rentals = before.rentals.length;
            await page.waitForFunction((id) => document.activeElement?.id === id, `tarif-rentals-${rentals}-code`);
            await page.keyboard.type('flute');
            await box(page, 'rentals', rentals, 'label').fill('Flûte traversière');
            await box(page, 'rentals', rentals, 'price_cents').fill('95,50');
            // The first rental goes, after a confirmation; the lines below move up.
            await page.getByRole('button', { name: `Retirer : ligne 1 (Location d'instruments, par an)` }).click();
            await page.getByRole('button', { name: /^Confirmer : Retirer ligne 1/ }).click();
            await page.waitForFunction(() => document.activeElement?.id === 'tarif-rentals-ajouter');
            assert.equal(await box(page, 'rentals', rentals - 1, 'code').inputValue(), 'flute', 'what was typed stays');

            await page.getByRole('button', { name: 'Enregistrer la grille' }).click();
            await page.getByRole('status').filter({ hasText: 'Grille tarifaire enregistrée.' }).waitFor();
            await page.waitForFunction(() => document.activeElement?.id === 'tarifs-cours-titre');
            await screenshot(page, 'admin-tariffs-saved-1280');

            const after = storedGrid(server.dbPath);
            assert.equal(after.version, before.version + 1);
            assert.equal(after.course_kinds[danse].resident_price_cents, 123456);
            assert.equal(after.floor_cents, 4550);
            assert.deepEqual(after.rentals.map((rental) => [rental.code, rental.label, rental.price_cents]), [
                ...before.rentals.slice(1).map((rental) => [rental.code, rental.label, rental.price_cents]),
                ['flute', 'Flûte traversière', 9550],
            ]);
            const audit = sqliteQuery(server.dbPath, "SELECT COUNT(*) AS count FROM audit_log WHERE action = 'tariff_grid_updated'");
            assert.equal(Number(audit[0].count), 1, 'the save is audited');

            await page.reload();
            await page.getByRole('heading', { level: 1, name: 'Grille tarifaire' }).waitFor();
            await box(page, 'course_kinds', danse, 'resident_price_cents').waitFor();
            assert.equal(await box(page, 'course_kinds', danse, 'resident_price_cents').inputValue(), '1 234,56');
            assert.equal(await page.locator('#tarif-floor_cents').inputValue(), '45,50');
            assert.equal(await box(page, 'rentals', rentals - 1, 'label').inputValue(), 'Flûte traversière');
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-tariffs-save');
        } finally {
            await page.context().close();
        }
    });

    test('a bad amount is refused beside its box and nothing is saved, nor what the server refuses', async () => {
        const page = await newPage(browser);
        try {
            const before = storedGrid(server.dbPath);
            await openGrid(page, server.baseUrl);
            const price = box(page, 'course_kinds', 0, 'non_resident_price_cents');
            await price.fill('12.50');
            await page.getByRole('button', { name: 'Enregistrer la grille' }).click();
            const message = page.locator('#tarif-course_kinds-0-non_resident_price_cents-erreur');
            await message.waitFor();
            assert.equal(await message.innerText(), 'Montant en euros attendu, par exemple 1 234,56 ou 30.');
            assert.equal(await price.getAttribute('aria-invalid'), 'true');
            assert.equal(await price.getAttribute('aria-describedby'), 'tarif-course_kinds-0-non_resident_price_cents-erreur');
            await page.waitForFunction(() => document.activeElement?.id === 'tarif-course_kinds-0-non_resident_price_cents');
            await page.getByRole('alert').filter({ hasText: 'Veuillez corriger les champs signalés.' }).waitFor();
            assert.equal(await price.inputValue(), '12.50', 'what was typed stays');

            // The server's own rules land on their boxes too.
            await price.fill('12,50');
            await box(page, 'brackets', 0, 'percent').fill('400');
            await page.getByRole('button', { name: 'Enregistrer la grille' }).click();
            const percent = page.locator('#tarif-brackets-0-percent-erreur');
            await percent.waitFor();
            assert.match(await percent.innerText(), /compris entre 0 et 300/);
            assert.equal(await box(page, 'brackets', 0, 'percent').getAttribute('aria-invalid'), 'true');
            await page.locator('#tarif-course_kinds-0-non_resident_price_cents-erreur').waitFor({ state: 'detached' });
            await screenshot(page, 'admin-tariffs-refused-1280');

            assert.deepEqual(storedGrid(server.dbPath), before, 'nothing was saved');
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-tariffs-refused');
        } finally {
            await page.context().close();
        }
    });

    test('a grid changed meanwhile is not overwritten: the page says so and shows the grid in force', async () => {
        const page = await newPage(browser);
        try {
            await openGrid(page, server.baseUrl);
            // Someone else saves first, through the API.
            const api = await staffApi(server.baseUrl);
            const grid = await api('GET', '/admin/tariffs');
            grid.third_child_percent = 25;
            await api('PUT', '/admin/tariffs', grid);

            await page.locator('#tarif-third_child_percent').fill('30');
            await page.getByRole('button', { name: 'Enregistrer la grille' }).click();
            await page.getByRole('alert').filter({ hasText: 'rien n\'a été enregistré' }).waitFor();
            await page.waitForFunction(() => document.activeElement?.id === 'tarifs-cours-titre');
            await page.waitForFunction(() => document.querySelector('#tarif-third_child_percent')?.value === '25');
            assert.equal(storedGrid(server.dbPath).third_child_percent, 25);
        } catch (error) {
            throw await explain(error, page, server, 'admin-tariffs-stale');
        } finally {
            await page.context().close();
        }
    });

    test('staff create the second guardian\'s account on a household and see it listed', async () => {
        const page = await newPage(browser);
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.staff);
            await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
            await openFromMenu(page, 'Familles');
            await page.getByRole('link', { name: 'Famille Martin' }).click();
            await page.getByRole('heading', { level: 1, name: 'Famille Martin' }).waitFor();
            const accounts = page.getByRole('table', { name: 'Comptes de connexion du foyer' });
            await accounts.getByRole('cell', { name: 'famille.demo' }).or(accounts.getByRole('rowheader', { name: 'famille.demo' })).waitFor();
            assert.equal(await accounts.locator('tbody tr').count(), 1);

            // Julien, the one guardian without an account, is offered with his e-mail.
            const guardian = page.locator('#nouveau-compte-guardian_id');
            assert.equal(await guardian.locator('option:checked').innerText(), 'Julien Martin');
            assert.equal(await page.locator('#nouveau-compte-email').inputValue(), 'julien.martin@example.fr');
            await page.locator('#nouveau-compte-login').fill('julien.martin');
            await page.getByRole('button', { name: 'Créer le compte' }).click();
            await page.getByRole('status').filter({ hasText: 'Le compte « julien.martin » est créé.' }).waitFor();
            await page.waitForFunction(() => document.activeElement?.id === 'comptes-titre');

            const row = accounts.locator('tbody tr').filter({ hasText: 'julien.martin' });
            await row.waitFor();
            const text = await row.innerText();
            for (const expected of ['julien.martin@example.fr', 'Julien Martin', 'Pas encore choisi']) {
                assert.ok(text.includes(expected), `the new account's line shows ${expected}: ${text}`);
            }
            assert.equal(await accounts.locator('tbody tr').count(), 2);
            await page.getByText('Chaque responsable du foyer a son compte.').waitFor();
            await screenshot(page, 'admin-family-accounts-1280');

            const created = sqliteQuery(server.dbPath, "SELECT role, guardian_id, password_hash FROM accounts WHERE login = 'julien.martin'");
            assert.equal(created.length, 1);
            assert.equal(created[0].role, 'family');
            assert.equal(created[0].password_hash, null, 'the guardian chooses the password');
            const welcome = sqliteQuery(server.dbPath, "SELECT id FROM outgoing_emails WHERE to_address = 'julien.martin@example.fr' AND body_text LIKE '%julien.martin%'");
            assert.equal(welcome.length, 1, 'the welcome e-mail carries the identifiant');
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-family-accounts');
        } finally {
            await page.context().close();
        }
    });
});
