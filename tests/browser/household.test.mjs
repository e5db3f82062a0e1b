// The family's Famille and Élèves pages: edits become pending changes with a visible
// marker, staff decide through the API, and the family then sees the decision; the tabs
// show the demo school data and live in the address; forms explain refused values and
// conflicting edits; axe-core finds no violation at 1280 and 360 px.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, control, launchBrowser, logInWithMouse, newPage, screenshot, startTutti, tabTo, waitForHome,
    waitForLoginForm,
} from './support/tutti.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const PENDING_MARK = 'Modifié — en attente de validation';
const UNSAVED_MARK = 'Modifié — pas encore enregistré';
const PENDING_NOTE = "Fiche en attente de validation par l'administration";

/** Logs in through the API (as the test's own session) and returns the access token. */
async function apiLogin(baseUrl, { login, password }) {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ site: DEMO.siteSlug, login, password }),
    });
    const body = await response.text();
    assert.equal(response.status, 200, `API login of ${login} failed: ${body}`);
    return JSON.parse(body).access_token;
}

/** One authenticated JSON call; returns { status, body }. */
async function apiCall(baseUrl, token, method, path, body) {
    const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Logs the demo family in and lands on `path`. */
async function familyOpens(page, baseUrl, path) {
    await page.goto(`${baseUrl}/`);
    await logInWithMouse(page, DEMO.family);
    await waitForHome(page, DEMO.family.name);
    await page.goto(`${baseUrl}${path}`);
}

/** The card of guardian `position` on /famille, once its form is there. */
async function guardianCard(page, position) {
    const card = page.getByRole('region', { name: new RegExp(`^Responsable ${position}(\\s|$)`) });
    await card.getByRole('button', { name: 'Enregistrer', exact: true }).waitFor();
    return card;
}

/** The text of the elements an input's aria-describedby points at. */
async function description(field) {
    return field.evaluate((element) => (element.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .filter(Boolean)
        .map((id) => document.getElementById(id)?.textContent ?? `(missing #${id})`)
        .join(' | '));
}

/** The panel of the selected tab on /eleves, once loaded. */
async function tabPanel(page, heading) {
    const panel = page.getByRole('region', { name: new RegExp(`^${heading}(\\s|$)`) });
    await panel.waitFor();
    await page.waitForFunction(() => !document.querySelector('main .loading'));
    return panel;
}

async function axeViolations(page) {
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
        await page.addScriptTag({ path: axePath });
    }
    const results = await page.evaluate(() => window.axe.run(document));
    return results.violations.map((violation) => ({
        rule: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
    }));
}

function assertNoViolations(violations, where) {
    if (violations.length > 0) console.log(`axe violations on ${where}:\n${JSON.stringify(violations, null, 2)}`);
    assert.deepEqual(violations.map((violation) => violation.rule), [], `axe found violations on ${where} (printed above)`);
}

/** Runs `body` with a fresh page; on failure keeps a screenshot and the page's problems. */
async function withPage(browser, server, name, options, body) {
    const page = await newPage(browser, options);
    try {
        await body(page);
        // The browser logs every 4xx answer; the refusals this file provokes are expected.
        const problems = page.problems.filter((problem) => !problem.includes('Failed to load resource'));
        assert.deepEqual(problems, [], 'the page logged errors');
    } catch (error) {
        await screenshot(page, `FAILED-${name}`).catch(() => {});
        error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
        throw error;
    } finally {
        await page.context().close();
    }
}

describe('household pages (Famille, Élèves)', () => {
    let server;
    let browser;
    let lea;

    before(async () => {
        server = await startTutti();
        browser = await launchBrowser();
        const token = await apiLogin(server.baseUrl, DEMO.family);
        const { body: students } = await apiCall(server.baseUrl, token, 'GET', '/api/v1/students');
        lea = students.find((student) => student.first_name === 'Léa');
        assert.ok(lea, 'the demo family has no Léa');
    });

    after(async () => {
        await browser?.close();
        await server?.stop();
    });

    test('edits await validation, then show the staff decision once the family comes back', async () => {
        const newMobile = '07 11 22 33 44';
        const newAddress = '8 avenue des Tilleuls';
        await withPage(browser, server, 'household-journey', {}, async (page) => {
            await familyOpens(page, server.baseUrl, '/famille');
            const card = await guardianCard(page, 1);
            const mobile = card.getByLabel('Mobile', { exact: true });
            assert.equal(await mobile.inputValue(), '06 12 34 56 78');
            await mobile.fill(newMobile);
            // Typed but not saved yet: said beside the field.
            await card.getByText(UNSAVED_MARK).waitFor();
            await card.getByRole('button', { name: 'Enregistrer', exact: true }).click();

            await card.getByRole('status').getByText('accusé de réception').waitFor();
            await card.getByText(PENDING_NOTE).waitFor();
            await card.getByText(PENDING_MARK).waitFor();
            assert.equal(await mobile.inputValue(), newMobile, 'the pending value is not shown');
            assert.match(await description(mobile), /en attente de validation/, 'the marker is not tied to the field');
            assert.equal(await card.getByText(PENDING_MARK).count(), 1, 'only the mobile changed');
            // The second guardian was not touched.
            assert.equal(await (await guardianCard(page, 2)).getByText(PENDING_NOTE).count(), 0);
            await screenshot(page, 'famille-pending-1280');

            // A reload keeps the pending value and its marker: they come from the server.
            await page.reload();
            const reloaded = await guardianCard(page, 1);
            assert.equal(await reloaded.getByLabel('Mobile', { exact: true }).inputValue(), newMobile);
            await reloaded.getByText(PENDING_MARK).waitFor();

            // Léa is the eldest, hence the child shown by /eleves.
            await page.getByRole('link', { name: 'Élèves', exact: true }).first().click();
            const identity = await tabPanel(page, 'Identité');
            assert.equal(await page.getByLabel('Élève', { exact: true }).evaluate((select) => select.selectedOptions[0].textContent), 'Léa Martin');
            const address = identity.getByLabel('Adresse', { exact: true });
            assert.equal(await address.inputValue(), '12 rue des Lilas');
            await address.fill(newAddress);
            await identity.getByRole('button', { name: 'Enregistrer', exact: true }).click();
            await identity.getByRole('status').getByText('accusé de réception').waitFor();
            await identity.getByText(PENDING_MARK).waitFor();
            await identity.getByText(PENDING_NOTE).waitFor();
            assert.match(await description(address), /en attente de validation/);
            await screenshot(page, 'eleves-identite-pending-1280');

            await control(page, 'Déconnexion').first().click();
            await waitForLoginForm(page);
        });

        // Staff approve the phone and reject the address (the admin screens are another
        // issue's; the HTTP API is the same).
        const staff = await apiLogin(server.baseUrl, DEMO.staff);
        const { status, body: queue } = await apiCall(server.baseUrl, staff, 'GET', '/api/v1/admin/change-requests?status=pending');
        assert.equal(status, 200);
        const phone = queue.items.find((request) => request.field === 'phone_mobile' && request.target_type === 'guardian');
        const address = queue.items.find((request) => request.field === 'address' && request.target_type === 'student');
        assert.ok(phone && address, `missing requests in ${JSON.stringify(queue.items)}`);
        assert.equal(phone.new_value, newMobile);
        assert.equal(address.new_value, newAddress);
        for (const [request, decision] of [[phone, 'approve'], [address, 'reject']]) {
            const answer = await apiCall(server.baseUrl, staff, 'POST', '/api/v1/admin/change-requests/decisions', { ids: [request.id], decision });
            assert.equal(answer.status, 200, JSON.stringify(answer.body));
        }

        await withPage(browser, server, 'household-after-decision', {}, async (page) => {
            await familyOpens(page, server.baseUrl, '/famille');
            const card = await guardianCard(page, 1);
            assert.equal(await card.getByLabel('Mobile', { exact: true }).inputValue(), newMobile, 'the approved phone is not in force');
            assert.equal(await card.getByText(PENDING_MARK).count(), 0, 'a marker is left after the approval');
            assert.equal(await card.getByText(PENDING_NOTE).count(), 0, 'the sheet still says it awaits validation');

            await page.goto(`${server.baseUrl}/eleves/${lea.id}`);
            const identity = await tabPanel(page, 'Identité');
            assert.equal(await identity.getByLabel('Adresse', { exact: true }).inputValue(), '12 rue des Lilas', 'the rejected address is shown');
            assert.equal(await identity.getByText(PENDING_MARK).count(), 0, 'a marker is left after the rejection');
            assert.equal(await identity.getByText(PENDING_NOTE).count(), 0);
        });
    });

    test('the tabs show the school data and live in the address', async () => {
        await withPage(browser, server, 'household-tabs', {}, async (page) => {
            await familyOpens(page, server.baseUrl, '/eleves');
            await tabPanel(page, 'Identité');
            const tabs = page.getByRole('navigation', { name: 'Rubriques de la fiche élève' });

            await tabs.getByRole('link', { name: 'Cours', exact: true }).click();
            const courses = await tabPanel(page, 'Cours');
            assert.equal(new URL(page.url()).pathname, `/eleves/${lea.id}/cours`);
            assert.equal(await tabs.getByRole('link', { name: 'Cours', exact: true }).getAttribute('aria-current'), 'page');
            await courses.getByRole('heading', { name: 'Piano Cycle 1 - 4e année' }).waitFor();
            for (const text of ['Isabelle Moreau', 'Mercredi 14:00–14:45', '1er trimestre', 'Non justifiée', 'Justifiée', 'Salle 12']) {
                await courses.getByText(text, { exact: true }).first().waitFor();
            }
            // Absences read as French dates: "mercredi 12 novembre 2025".
            assert.match(await courses.locator('.absence-date').first().textContent(), /^(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) (1er|\d{1,2}) [a-zéû]+ \d{4}$/);
            await screenshot(page, 'eleves-cours-1280');

            await tabs.getByRole('link', { name: 'Historique', exact: true }).click();
            const history = await tabPanel(page, 'Historique');
            await history.getByRole('heading', { name: /^Année \d{4}-\d{4}$/ }).first().waitFor();
            await history.getByText('Cycle 1 - 3e année', { exact: true }).first().waitFor();
            await history.getByText('3e trimestre', { exact: true }).first().waitFor();
            await screenshot(page, 'eleves-historique-1280');

            await tabs.getByRole('link', { name: 'Répertoire', exact: true }).click();
            let repertoire = await tabPanel(page, 'Répertoire');
            await repertoire.getByRole('heading', { name: 'Concert de Noël' }).waitFor();
            await repertoire.getByText('Menuet en sol majeur', { exact: false }).waitFor();

            // A reload (or a shared link) lands on the same child and tab.
            await page.reload();
            repertoire = await tabPanel(page, 'Répertoire');
            await repertoire.getByRole('heading', { name: 'Concert de Noël' }).waitFor();
            assert.equal(await tabs.getByRole('link', { name: 'Répertoire', exact: true }).getAttribute('aria-current'), 'page');
            await screenshot(page, 'eleves-repertoire-1280');

            // Choosing another child keeps the tab and changes the address.
            await page.getByLabel('Élève', { exact: true }).selectOption({ label: 'Hugo Martin' });
            repertoire = await tabPanel(page, 'Répertoire');
            await repertoire.getByText('Le petit orchestre', { exact: false }).waitFor();
            assert.match(new URL(page.url()).pathname, /^\/eleves\/\d+\/repertoire$/);
            assert.notEqual(new URL(page.url()).pathname, `/eleves/${lea.id}/repertoire`);

            // Chloé has no event and no earlier course: the tabs say so.
            await page.getByLabel('Élève', { exact: true }).selectOption({ label: 'Chloé Martin' });
            await (await tabPanel(page, 'Répertoire')).getByText('Aucun événement pour l\'instant', { exact: false }).waitFor();
            await tabs.getByRole('link', { name: 'Historique', exact: true }).click();
            await (await tabPanel(page, 'Historique')).getByText('Aucun cours les années précédentes.').waitFor();

            // Another household's child (or nonsense) is not shown.
            await page.goto(`${server.baseUrl}/eleves/999999/cours`);
            await page.getByText('Cet élève ne fait pas partie de votre foyer.').waitFor();
        });
    });

    test('refused values are explained field by field, and a conflicting edit keeps what was typed', async () => {
        await withPage(browser, server, 'household-errors', {}, async (page) => {
            await familyOpens(page, server.baseUrl, '/famille');
            let card = await guardianCard(page, 1);

            // Client-side check, with the server's own message, reached with the keyboard.
            const postcode = card.getByLabel('Code postal (obligatoire)', { exact: true });
            await tabTo(page, postcode, { max: 60 });
            await page.keyboard.press('Control+A');
            await page.keyboard.type('9442');
            await page.keyboard.press('Enter');
            await card.getByText('Code postal invalide (5 chiffres).').waitFor();
            assert.equal(await postcode.getAttribute('aria-invalid'), 'true');
            assert.match(await description(postcode), /Code postal invalide/);
            assert.ok(await postcode.evaluate((element) => element === document.activeElement), 'the focus is not on the refused field');
            await card.getByRole('alert').getByText('Veuillez corriger les champs signalés.').waitFor();
            await screenshot(page, 'famille-invalid-1280');
            await postcode.fill('94420');

            // A refusal by the server (422) shows its message beside the field.
            await page.route('**/api/v1/family/guardians/*', (route) => route.fulfill({
                status: 422,
                contentType: 'application/json',
                body: JSON.stringify({ code: 'validation', message: 'Vérifiez le formulaire.', fields: { email: 'Adresse refusée par le serveur.' } }),
            }));
            await card.getByLabel('Profession', { exact: true }).fill('Directrice');
            await card.getByRole('button', { name: 'Enregistrer', exact: true }).click();
            const email = card.getByLabel('E-mail (obligatoire)', { exact: true });
            await card.getByText('Adresse refusée par le serveur.').waitFor();
            assert.equal(await email.getAttribute('aria-invalid'), 'true');
            await page.unroute('**/api/v1/family/guardians/*');
            await page.reload();

            // Another session edits guardian 2 after this page read it: saving here is a
            // conflict; the page says so, shows the new data and keeps what was typed.
            card = await guardianCard(page, 2);
            const token = await apiLogin(server.baseUrl, DEMO.family);
            const { body: family } = await apiCall(server.baseUrl, token, 'GET', '/api/v1/family');
            const second = family.guardians[1];
            const elsewhere = await apiCall(server.baseUrl, token, 'PATCH', `/api/v1/family/guardians/${second.id}`, {
                version: second.version, changes: { profession: 'Infirmier' },
            });
            assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));

            const work = card.getByLabel('Tél. professionnel', { exact: true });
            await work.fill('01 23 45 67 89');
            await card.getByRole('button', { name: 'Enregistrer', exact: true }).click();
            await card.getByRole('alert').getByText('modifiées entre-temps', { exact: false }).waitFor();
            assert.equal(await card.getByLabel('Profession', { exact: true }).inputValue(), 'Infirmier', 'the current data is not shown');
            assert.equal(await work.inputValue(), '01 23 45 67 89', 'what the family typed is lost');
            await card.getByText(UNSAVED_MARK).waitFor();
            await card.getByText(PENDING_MARK).waitFor();
            await screenshot(page, 'famille-conflict-1280');

            // Saving again goes through, against the version just read.
            await card.getByRole('button', { name: 'Enregistrer', exact: true }).click();
            await card.getByRole('status').getByText('accusé de réception').waitFor();
            assert.equal(await card.getByText(PENDING_MARK).count(), 2);
        });
    });

    for (const [width, height] of [[1280, 800], [360, 740]]) {
        test(`Famille and every Élèves tab have no axe violations at ${width} px`, async () => {
            await withPage(browser, server, `household-a11y-${width}`, { width, height, bypassCSP: true }, async (page) => {
                await familyOpens(page, server.baseUrl, '/famille');
                await guardianCard(page, 1);
                await screenshot(page, `famille-${width}`);
                assertNoViolations(await axeViolations(page), `/famille at ${width} px`);

                for (const [slug, heading] of [['identite', 'Identité'], ['cours', 'Cours'], ['historique', 'Historique'], ['repertoire', 'Répertoire']]) {
                    await page.goto(`${server.baseUrl}/eleves/${lea.id}/${slug}`);
                    await tabPanel(page, heading);
                    await screenshot(page, `eleves-${slug}-${width}`);
                    assertNoViolations(await axeViolations(page), `/eleves/…/${slug} at ${width} px`);
                    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
                    assert.ok(overflow <= 0, `/eleves/…/${slug} scrolls sideways by ${overflow} px at ${width} px`);
                }
            });
        });
    }
});
