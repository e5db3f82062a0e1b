// The administration in a real browser: staff validate a family's change from the queue
// and record an evaluation in a class list; a teacher sees only their own course; staff
// decide by selection with the keyboard alone; axe-core finds no violation on the queue,
// the families page, a household and the other admin screens, at 1280 and 360 px.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, control, launchBrowser, logInWithMouse, newPage, screenshot, startTutti, tabTo,
} from './support/tutti.mjs';

const TEACHER = { login: 'prof.demo', password: 'Demo-Professeur-2026' };
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Logs in through the API and returns a helper that calls it with that account's token. */
async function apiAs(baseUrl, { login, password }) {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ site: DEMO.siteSlug, login, password }),
    });
    assert.equal(response.status, 200, `API login of ${login}`);
    const { access_token: token } = await response.json();
    return async (method, path, body) => {
        const answer = await fetch(`${baseUrl}/api/v1${path}`, {
            method,
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await answer.text();
        assert.ok(answer.ok, `${method} ${path} answered ${answer.status}: ${text}`);
        return text ? JSON.parse(text) : null;
    };
}

/** As the demo family, asks to change the first guardian's `field`; returns the old value. */
async function askForChange(baseUrl, field, value) {
    const api = await apiAs(baseUrl, DEMO.family);
    const family = await api('GET', '/family');
    const guardian = family.guardians[0];
    await api('PATCH', `/family/guardians/${guardian.id}`, { version: guardian.version, changes: { [field]: value } });
    return guardian.fields[field];
}

/** The queue's table row that shows `text`. */
function queueRow(page, text) {
    return page.locator('.queue tbody tr').filter({ hasText: text });
}

/** Runs axe on the page as it is and returns its violations, described for a human. */
async function axeViolations(page) {
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
        await page.addScriptTag({ path: axePath });
    }
    const results = await page.evaluate(() => window.axe.run(document));
    return results.violations.map((violation) => ({
        rule: violation.id,
        impact: violation.impact,
        nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
    }));
}

function assertNoViolations(violations, where) {
    if (violations.length > 0) console.log(`axe violations on ${where}:\n${JSON.stringify(violations, null, 2)}`);
    assert.deepEqual(violations.map((violation) => violation.rule), [], `axe found violations on ${where} (printed above)`);
}

/** Follows a link of the main menu, opening the folded menu first on a phone. */
async function openFromMenu(page, name) {
    const link = page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name });
    if (!(await link.isVisible())) await page.getByRole('button', { name: 'Menu' }).click();
    await link.click();
}

/** The page's own failures (a panic, an uncaught error); console noise such as the 401 of
 * the start-up session check does not count. */
function pageErrors(page) {
    return page.problems.filter((problem) => problem.startsWith('page error'));
}

/** Attaches the page's problems and the server's output to a failure, with a screenshot. */
async function explain(error, page, server, name) {
    await screenshot(page, `FAILED-${name}`).catch(() => {});
    error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
    return error;
}

describe('administration', () => {
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

    test('staff validate a change from the queue, then record an evaluation in a class list', async () => {
        const newMobile = '07 00 00 00 01';
        const oldMobile = await askForChange(server.baseUrl, 'phone_mobile', newMobile);
        const page = await newPage(browser);
        try {
            const wasmLoaded = [];
            page.on('request', (request) => {
                if (request.url().endsWith('.wasm')) wasmLoaded.push(new URL(request.url()).pathname);
            });
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.staff);
            await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
            await screenshot(page, 'admin-home-1280');
            // The login page is the family build; the staff's landing loads the admin build.
            // Each once: start.js fetches the wasm as it was preloaded (names carry the
            // content's hash, so that browsers may cache them for good).
            assert.equal(wasmLoaded.length, 2, `wasm requests: ${wasmLoaded}`);
            assert.match(wasmLoaded[0], /^\/tutti-web-[0-9a-f]+_bg\.wasm$/, 'the family build first');
            assert.match(wasmLoaded[1], /^\/admin\/tutti-web-[0-9a-f]+_bg\.wasm$/, 'then the administration\'s');
            assert.equal(new URL(page.url()).pathname, '/admin');

            // The menu counts the pending change.
            const queueLink = page.getByRole('navigation', { name: 'Menu principal' })
                .getByRole('link', { name: /^Demandes de modification/ });
            await queueLink.filter({ hasText: '1' }).waitFor();
            await queueLink.click();
            await page.getByRole('heading', { level: 1, name: 'Demandes de modification' }).waitFor();

            const row = queueRow(page, newMobile);
            await row.waitFor();
            const rowText = await row.innerText();
            for (const expected of ['Famille Martin', 'Mobile', oldMobile, newMobile]) {
                assert.ok(rowText.includes(expected), `the queue row shows ${expected}: ${rowText}`);
            }
            assert.match(rowText, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/, 'the request shows its Paris date and time');
            await screenshot(page, 'admin-queue-1280');

            await row.getByRole('button', { name: /^Valider : Mobile de / }).click();
            await page.getByRole('status').filter({ hasText: '1 demande validée' }).waitFor();
            await row.waitFor({ state: 'detached' });
            await screenshot(page, 'admin-queue-validated-1280');

            // The value is now in force for the family, and the counter is gone.
            const family = await (await apiAs(server.baseUrl, DEMO.family))('GET', '/family');
            assert.equal(family.guardians[0].fields.phone_mobile, newMobile);
            assert.equal(await queueLink.filter({ hasText: 'en attente' }).count(), 0, 'the menu still counts a pending change');

            // A class list: Léa Martin's piano course of this year.
            await openFromMenu(page, 'Année scolaire');
            await page.getByRole('heading', { level: 1, name: 'Année scolaire' }).waitFor();
            await screenshot(page, 'admin-school-year-1280');
            await page.getByRole('link', { name: 'Piano · Cycle 1 - 4e année' }).first().click();
            await page.getByRole('heading', { level: 1, name: 'Piano · Cycle 1 - 4e année' }).waitFor();
            await page.locator('table').filter({ hasText: 'Liste de la classe' }).getByRole('rowheader', { name: 'Léa Martin' }).waitFor();

            const comment = 'Beaux progrès en lecture à vue, à poursuivre.';
            await page.locator('#evaluation-enrolment_id').selectOption({ label: 'Léa Martin' });
            await page.getByLabel('Période (ex. 1er trimestre)').fill('2e trimestre');
            await page.getByLabel('Appréciation').fill(comment);
            await page.getByLabel('Note (ex. 16/20 ou A) (facultatif)').fill('16/20');
            await page.getByRole('button', { name: "Enregistrer l'évaluation" }).click();
            await page.getByRole('status').filter({ hasText: 'Évaluation de Léa Martin enregistrée' }).waitFor();
            const recorded = page.locator('table').filter({ hasText: 'Évaluations enregistrées dans ce cours' });
            await recorded.getByRole('row').filter({ hasText: comment }).waitFor();
            await screenshot(page, 'admin-course-evaluated-1280');

            // The family sees it on the child's Cours tab (through the API).
            const familyApi = await apiAs(server.baseUrl, DEMO.family);
            const [lea] = (await familyApi('GET', '/students')).filter((student) => student.first_name === 'Léa');
            const courses = await familyApi('GET', `/students/${lea.id}/courses`);
            const evaluations = courses.flatMap((course) => course.evaluations);
            assert.ok(evaluations.some((evaluation) => evaluation.comment === comment && evaluation.mark === '16/20'),
                'the evaluation reached the family');
            assert.deepEqual(pageErrors(page), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-queue');
        } finally {
            await page.context().close();
        }
    });

    test('a teacher sees only their own course and records an absence, without enrolment controls', async () => {
        const page = await newPage(browser);
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, TEACHER);
            await page.getByRole('heading', { level: 1, name: 'Mes cours' }).waitFor();
            const menu = page.getByRole('navigation', { name: 'Menu principal' });
            assert.equal(await menu.getByRole('link', { name: 'Familles' }).count(), 0, 'a teacher has no Familles entry');
            await menu.getByRole('link', { name: 'Mes cours' }).waitFor();

            const courses = page.locator('table tbody tr th');
            await courses.first().waitFor();
            const names = await courses.allInnerTexts();
            assert.ok(names.length > 0 && names.every((name) => name.startsWith('Piano')), `only the piano course: ${names}`);
            await screenshot(page, 'admin-teacher-home-1280');

            await page.getByRole('link', { name: 'Piano · Cycle 1 - 4e année' }).first().click();
            await page.getByRole('heading', { level: 1, name: 'Piano · Cycle 1 - 4e année' }).waitFor();
            await page.getByText('Léa Martin').first().waitFor();
            assert.equal(await page.getByRole('button', { name: /^Retirer/ }).count(), 0, 'a teacher cannot remove students');
            assert.equal(await page.getByRole('heading', { name: 'Inscrire un élève' }).count(), 0, 'a teacher cannot enrol');

            await page.locator('#absence-enrolment_id').selectOption({ label: 'Léa Martin' });
            await page.getByLabel('Date', { exact: true }).fill('2026-11-25');
            await page.getByLabel('Absence justifiée').check();
            await page.getByLabel('Motif (facultatif)').fill('Malade');
            await page.getByRole('button', { name: "Enregistrer l'absence" }).click();
            await page.getByRole('status').filter({ hasText: 'Absence de Léa Martin le 25/11/2026 enregistrée' }).waitFor();
            await screenshot(page, 'admin-teacher-course-1280');

            // Staff pages are not for teachers.
            await page.goto(`${server.baseUrl}/admin/familles`);
            await page.getByText('Cette page est réservée au secrétariat.').waitFor();
            assert.deepEqual(pageErrors(page), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-teacher');
        } finally {
            await page.context().close();
        }
    });

    test('staff refuse a selection of changes with the keyboard alone', async () => {
        await askForChange(server.baseUrl, 'profession', 'Luthière');
        await askForChange(server.baseUrl, 'city', 'Chennevières-sur-Marne');
        const page = await newPage(browser);
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.staff);
            await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
            await page.goto(`${server.baseUrl}/admin/demandes`);
            await queueRow(page, 'Luthière').waitFor();
            await queueRow(page, 'Chennevières-sur-Marne').waitFor();

            // Whatever else is pending (the other tests share the server) is refused along.
            const count = await page.locator('.queue tbody tr').count();
            assert.ok(count >= 2);
            await tabTo(page, page.getByLabel('Tout sélectionner'));
            await page.keyboard.press('Space');
            await page.getByText(`${count} demandes sélectionnées`).waitFor();
            await tabTo(page, page.getByRole('button', { name: 'Refuser la sélection' }));
            await page.keyboard.press('Enter');
            await page.getByRole('status').filter({ hasText: `${count} demandes refusées` }).waitFor();
            await page.getByText('Aucune demande ne correspond à ces critères.').waitFor();
            // The focus went back to the queue, not to the document's start.
            assert.equal(await page.evaluate(() => document.activeElement?.id), 'file-titre');

            // Refused: the family's record keeps its values.
            const family = await (await apiAs(server.baseUrl, DEMO.family))('GET', '/family');
            assert.notEqual(family.guardians[0].fields.profession, 'Luthière');
            assert.deepEqual(pageErrors(page), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-keyboard');
        } finally {
            await page.context().close();
        }
    });

    for (const [width, height] of [[1280, 800], [360, 740]]) {
        test(`the admin screens have no axe violations at ${width} px`, async () => {
            await askForChange(server.baseUrl, 'phone_work', `01 45 76 00 ${width === 360 ? '36' : '12'}`);
            // The server's CSP forbids injected scripts, axe's included: bypass it for the audit.
            const page = await newPage(browser, { width, height, bypassCSP: true });
            try {
                await page.goto(`${server.baseUrl}/`);
                await logInWithMouse(page, DEMO.staff);
                await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();

                await openFromMenu(page, /^Demandes de modification/);
                await queueRow(page, 'Tél. professionnel').waitFor();
                await screenshot(page, `a11y-admin-queue-${width}`);
                assertNoViolations(await axeViolations(page), `the queue at ${width} px`);

                await openFromMenu(page, 'Familles');
                await page.getByRole('link', { name: 'Famille Martin' }).waitFor();
                await screenshot(page, `a11y-admin-families-${width}`);
                assertNoViolations(await axeViolations(page), `the families page at ${width} px`);

                // A household: guardians, children, and the pending value beside the old one.
                await page.getByRole('link', { name: 'Famille Martin' }).click();
                await page.getByRole('heading', { level: 1, name: 'Famille Martin' }).waitFor();
                await page.getByText('En attente de validation').first().waitFor();
                await screenshot(page, `admin-family-${width}`);
                assertNoViolations(await axeViolations(page), `a household at ${width} px`);

                // The other screens, for the record and for axe.
                for (const [name, heading, ready] of [
                    ['Élèves', 'Élèves', page.getByRole('link', { name: 'Martin Léa' })],
                    ['Événements', 'Événements', page.getByRole('rowheader', { name: 'Concert de Noël' })],
                    ['Année scolaire', 'Année scolaire', page.getByRole('link', { name: 'Piano · Cycle 1 - 4e année' })],
                ]) {
                    await openFromMenu(page, name);
                    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
                    await ready.waitFor();
                    await screenshot(page, `admin-${name.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}-${width}`);
                    assertNoViolations(await axeViolations(page), `${name} at ${width} px`);
                }
                // The last screen was the school year: open its piano course.
                await page.getByRole('link', { name: 'Piano · Cycle 1 - 4e année' }).first().click();
                await page.locator('table').filter({ hasText: 'Liste de la classe' }).getByRole('rowheader', { name: 'Léa Martin' }).waitFor();
                await screenshot(page, `admin-course-${width}`);
                assertNoViolations(await axeViolations(page), `a class list at ${width} px`);

                if (width === 360) {
                    await page.getByRole('button', { name: 'Menu' }).click();
                    await control(page, 'Déconnexion').waitFor();
                    await screenshot(page, 'a11y-admin-menu-360');
                    assertNoViolations(await axeViolations(page), 'the admin menu open at 360 px');
                }
            } catch (error) {
                throw await explain(error, page, server, `a11y-admin-${width}`);
            } finally {
                await page.context().close();
            }
        });
    }
});
