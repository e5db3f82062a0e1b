// The staff's re-enrolment screens in a real browser. The demo family sends its three
// children's files through the API (start, coordonnées, autorisations, cours, pieces,
// Valider), then staff, in the admin SPA: find the open campaign, its dashboard and its
// files; validate one file (confirming its course), refuse one with a reason, validate
// the last one from the list's selection; the dashboard's counts follow; the CSV export
// downloads; a draft campaign is created from Paris wall-clock dates, its courses and
// rules saved, and opening it while another is open says why it cannot. axe-core finds
// no violation on the campaigns, the dashboard with its list, a file and the settings,
// at 1280 and 360 px.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, launchBrowser, logInWithMouse, newPage, screenshot, sqliteQuery, startTutti,
} from './support/tutti.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** A one-page PDF of text, without active content. */
function samplePdf() {
    const content = 'BT /F1 24 Tf 72 700 Td (Piece) Tj ET';
    const objects = [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
        `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ];
    let pdf = '%PDF-1.4\n';
    const offsets = objects.map((object, index) => {
        const offset = pdf.length;
        pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
        return offset;
    });
    const xref = pdf.length;
    pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    pdf += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
    pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(pdf, 'latin1');
}

/** Logs an account in through the API; returns a small JSON client for it. */
async function apiClient(baseUrl, { login, password }) {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ site: DEMO.siteSlug, login, password }),
    });
    assert.equal(response.status, 200, `API login of ${login}`);
    const token = (await response.json()).access_token;
    const call = async (method, path, body) => {
        const answer = await fetch(`${baseUrl}/api/v1${path}`, {
            method,
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await answer.text();
        assert.ok(answer.ok, `${method} ${path}: ${answer.status} ${text}`);
        return text ? JSON.parse(text) : null;
    };
    return { token, get: (path) => call('GET', path), send: call };
}

/** As the family, uploads a PDF for every required piece of the household and of the
 * child still to provide or refused. */
async function providePieces(baseUrl, family, studentId) {
    const pieces = await family.get('/documents');
    const child = pieces.students.find((student) => student.student_id === studentId);
    const wanted = [
        ...pieces.household.map((piece) => [piece, null]),
        ...(child?.documents ?? []).map((piece) => [piece, studentId]),
    ].filter(([piece]) => piece.required && ['a_fournir', 'refuse'].includes(piece.state));
    for (const [piece, owner] of wanted) {
        const form = new FormData();
        form.append('document_type_id', String(piece.document_type_id));
        if (owner !== null) form.append('student_id', String(owner));
        form.append('file', new Blob([samplePdf()], { type: 'application/pdf' }), 'piece.pdf');
        const answer = await fetch(`${baseUrl}/api/v1/documents`, {
            method: 'POST', headers: { Authorization: `Bearer ${family.token}` }, body: form,
        });
        assert.equal(answer.status, 201, `upload of ${piece.name}: ${await answer.text()}`);
    }
}

/** The family's whole wizard for one child, through the API: the file, `en_attente`. */
async function completeAndSubmit(baseUrl, family, campaign, studentId) {
    let file = await family.send('POST', `/reenrolment/children/${studentId}/start`, {});
    const at = (step) => `/reenrolment/files/${file.id}/${step}`;
    file = await family.send('PUT', at('coordonnees'), { version: file.version });
    file = await family.send('PUT', at('autorisations'), {
        version: file.version,
        autorisations: {
            image_rights: true, leaves_alone: false, collectors: 'Claire ou Julien Martin',
            pedibus: false, emergency_name: 'Monique Martin', emergency_phone: '06 12 34 56 78',
        },
    });
    const piano = campaign.courses.find((course) => course.discipline === 'Piano');
    assert.ok(piano, 'the demo campaign offers a piano course');
    file = await family.send('PUT', at('cours'), {
        version: file.version,
        cours: { course_ids: [piano.id], comment: 'Souhaite aussi essayer la guitare.', payment_method: 'prelevement', instalments: 9 },
    });
    await providePieces(baseUrl, family, studentId);
    file = await family.send('POST', at('submit'), { version: file.version, accepted_rules_version: campaign.rules.version });
    assert.equal(file.status, 'en_attente', `the file of student ${studentId} waits for the school`);
    return file;
}

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

/** Logs staff in and opens the open campaign's dashboard from the menu. */
async function openDashboard(page, baseUrl) {
    await page.goto(`${baseUrl}/`);
    await logInWithMouse(page, DEMO.staff);
    await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
    await openFromMenu(page, 'Réinscriptions');
    await page.getByRole('heading', { level: 1, name: 'Réinscriptions' }).waitFor();
    await page.locator('tbody tr').filter({ hasText: 'Ouverte' }).getByRole('link', { name: /^Réinscriptions / }).click();
    await page.getByRole('heading', { level: 1, name: /^Réinscriptions \d{4}-\d{4}$/ }).waitFor();
    await page.getByRole('table', { name: 'Dossiers par statut' }).waitFor();
}

/** The dashboard's count of files with a status label. */
async function countOf(page, label) {
    const row = page.getByRole('table', { name: 'Dossiers par statut' }).locator('tbody tr').filter({ hasText: label });
    const text = await row.innerText();
    return Number(text.trim().split(/\s+/).pop());
}

/** A line of the files list. */
function fileRow(page, name) {
    return page.locator('.queue tbody tr').filter({ hasText: name });
}

describe('staff re-enrolment screens', () => {
    let server;
    let browser;
    let children;

    before(async () => {
        server = await startTutti();
        browser = await launchBrowser();
        const family = await apiClient(server.baseUrl, DEMO.family);
        const campaign = await family.get('/reenrolment/campaign');
        children = (await family.get('/reenrolment/children')).map((child) => ({ ...child, name: `${child.first_name} ${child.last_name}` }));
        assert.equal(children.length, 3, 'the demo family has three children');
        for (const child of children) await completeAndSubmit(server.baseUrl, family, campaign, child.student_id);
    });

    after(async () => {
        await browser?.close();
        await server?.stop();
    });

    for (const width of [1280, 360]) {
        test(`at ${width} px, the campaigns, the dashboard with its files, a file and the settings have no axe violation and fit the screen`, async () => {
            // axe-core is injected as a script, which the server's CSP forbids.
            const page = await newPage(browser, { width, height: 800, bypassCSP: true });
            const fits = async (where) => {
                const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
                assert.ok(overflow <= 0, `${where}: nothing wider than the screen (${overflow} px too wide)`);
            };
            try {
                await page.goto(`${server.baseUrl}/`);
                await logInWithMouse(page, DEMO.staff);
                await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
                await openFromMenu(page, 'Réinscriptions');
                await page.getByRole('heading', { level: 1, name: 'Réinscriptions' }).waitFor();
                await page.getByRole('table', { name: /^Campagnes de réinscription/ }).waitFor();
                await fits('the campaigns');
                await screenshot(page, `admin-reenrolment-campaigns-${width}`);
                assert.deepEqual(await axeRules(page, `the campaigns at ${width} px`), []);

                await page.locator('tbody tr').filter({ hasText: 'Ouverte' }).getByRole('link', { name: /^Réinscriptions / }).click();
                await page.getByRole('table', { name: 'Dossiers par statut' }).waitFor();
                await page.getByRole('table', { name: /^\d+ dossiers?$/ }).waitFor();
                await fits('the dashboard');
                await screenshot(page, `admin-reenrolment-dashboard-${width}`);
                assert.deepEqual(await axeRules(page, `the dashboard at ${width} px`), []);

                await fileRow(page, children[0].name).getByRole('link', { name: children[0].name }).click();
                await page.getByRole('heading', { level: 1, name: `Dossier de réinscription : ${children[0].name}` }).waitFor();
                await page.getByRole('button', { name: 'Valider le dossier' }).waitFor();
                await fits('a file');
                await screenshot(page, `admin-reenrolment-file-${width}`);
                assert.deepEqual(await axeRules(page, `a file at ${width} px`), []);

                await page.getByRole('link', { name: 'Retour au tableau de bord de la campagne' }).click();
                await page.getByRole('link', { name: /^Réglages de la campagne/ }).click();
                await page.getByRole('heading', { level: 2, name: 'Cours proposés' }).waitFor();
                await fits('the settings');
                await screenshot(page, `admin-reenrolment-settings-${width}`);
                assert.deepEqual(await axeRules(page, `the settings at ${width} px`), []);
            } catch (error) {
                await screenshot(page, `FAILED-admin-reenrolment-${width}`).catch(() => {});
                error.message += `\npage problems: ${JSON.stringify(page.problems)}`;
                throw error;
            } finally {
                await page.context().close();
            }
        });
    }

    test('staff validate a file, refuse one with a reason, validate a selection, and the counts follow', async () => {
        const page = await newPage(browser);
        const [first, second, third] = children;
        try {
            await openDashboard(page, server.baseUrl);
            assert.equal(await countOf(page, 'En attente de validation'), 3);
            assert.equal(await countOf(page, 'Validée'), 0);
            await page.getByRole('table', { name: '3 dossiers' }).waitFor();
            const firstRow = await fileRow(page, first.name).innerText();
            for (const expected of ['Famille', 'En attente de validation', 'Piano']) {
                assert.ok(firstRow.includes(expected), `the row shows ${expected}: ${firstRow}`);
            }
            assert.match(firstRow, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/, 'the submission shows its Paris date and time');

            // The CSV export downloads through the token, as a French spreadsheet opens it.
            const [download] = await Promise.all([
                page.waitForEvent('download'),
                page.getByRole('button', { name: 'Exporter les dossiers (CSV)' }).click(),
            ]);
            assert.equal(download.suggestedFilename(), 'reinscriptions-dossiers.csv');
            const csv = readFileSync(await download.path(), 'utf8');
            assert.ok(csv.startsWith('\ufeff') && csv.includes(';') && csv.includes(first.last_name), `the CSV: ${csv.slice(0, 200)}`);
            await page.getByRole('status').filter({ hasText: 'reinscriptions-dossiers.csv' }).waitFor();

            // Validate the first file, its piano course confirmed.
            await fileRow(page, first.name).getByRole('link', { name: first.name }).click();
            await page.getByRole('heading', { level: 1, name: `Dossier de réinscription : ${first.name}` }).waitFor();
            const detail = await page.locator('.page').innerText();
            for (const expected of ['Monique Martin', '06 12 34 56 78', 'Souhaite aussi essayer la guitare.', 'Prélèvement automatique', 'En 9 fois', 'Version 1']) {
                assert.ok(detail.includes(expected), `the file shows ${expected}`);
            }
            const confirmed = page.getByLabel(/^Cours confirmé pour le souhait « Piano/);
            assert.match(await confirmed.locator('option:checked').innerText(), /^Piano, /);
            await screenshot(page, 'admin-reenrolment-file-decision-1280');
            await page.getByRole('button', { name: 'Valider le dossier' }).click();
            await page.getByRole('status').filter({ hasText: 'Dossier validé' }).waitFor();
            await page.waitForFunction(() => document.activeElement?.id === 'etat-titre'); // the focus goes to the file's state
            await page.locator('.record-row').filter({ hasText: 'Statut' }).filter({ hasText: 'Validée' }).waitFor();
            await page.getByRole('button', { name: 'Valider le dossier' }).waitFor({ state: 'detached' });
            await page.getByText('(inscrit)').waitFor();
            await screenshot(page, 'admin-reenrolment-file-validated-1280');

            // Refuse the second: the reason is required, then sent (and e-mailed).
            await page.getByRole('link', { name: 'Retour au tableau de bord de la campagne' }).click();
            await fileRow(page, second.name).getByRole('link', { name: second.name }).click();
            await page.getByRole('heading', { level: 1, name: `Dossier de réinscription : ${second.name}` }).waitFor();
            await page.getByRole('button', { name: 'Refuser le dossier' }).click();
            await page.locator('#refus-message[aria-invalid="true"][aria-describedby="refus-message-erreur"]').waitFor();
            await page.getByLabel('Motif du refus (visible par la famille)').fill('Le cours de piano du lundi est complet : choisissez un autre horaire.');
            await page.getByRole('button', { name: 'Refuser le dossier' }).click();
            await page.getByRole('status').filter({ hasText: 'Dossier refusé' }).waitFor();
            await page.locator('.record-row').filter({ hasText: 'Message de l\'école' }).filter({ hasText: 'est complet' }).waitFor();
            const emails = sqliteQuery(server.dbPath, "SELECT id FROM outgoing_emails WHERE body_text LIKE '%lundi est complet%'");
            assert.equal(emails.length, 1, 'the family is e-mailed the reason');

            // The third, from the list's selection.
            await page.getByRole('link', { name: 'Retour au tableau de bord de la campagne' }).click();
            await page.getByRole('table', { name: '1 dossier' }).waitFor();
            await page.getByLabel(`Sélectionner le dossier de ${third.name}`).check();
            await page.getByText('1 dossier sélectionné').waitFor();
            await page.getByRole('button', { name: 'Valider la sélection' }).click();
            await page.getByRole('status').filter({ hasText: `Dossiers validés (1) : ${third.name}.` }).waitFor();
            await page.waitForFunction(() => document.activeElement?.id === 'dossiers-titre');
            await page.locator('.queue').getByText('Aucun dossier ne correspond à ces critères.').waitFor();

            // The counts follow.
            await page.getByRole('table', { name: 'Dossiers par statut' }).locator('tbody tr').filter({ hasText: 'Validée' }).filter({ hasText: '2' }).waitFor();
            assert.equal(await countOf(page, 'En attente de validation'), 0);
            assert.equal(await countOf(page, 'Refusée'), 1);
            await page.locator('#filtre-status').selectOption({ label: 'Tous les statuts' });
            await page.getByRole('button', { name: 'Filtrer' }).click();
            await page.getByRole('table', { name: '3 dossiers' }).waitFor();
            await screenshot(page, 'admin-reenrolment-dashboard-after-1280');
            const statuses = sqliteQuery(server.dbPath, 'SELECT status, COUNT(*) AS count FROM reenrolment_files GROUP BY status ORDER BY status');
            assert.deepEqual(statuses.map((row) => [row.status, Number(row.count)]), [['refusee', 1], ['validee', 2]]);
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            await screenshot(page, 'FAILED-admin-reenrolment').catch(() => {});
            error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
            throw error;
        } finally {
            await page.context().close();
        }
    });

    test('staff create a draft from Paris dates, save its courses and rules, and opening it while another is open says why not', async () => {
        const page = await newPage(browser);
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.staff);
            await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
            await openFromMenu(page, 'Réinscriptions');
            await page.getByRole('table', { name: /^Campagnes de réinscription/ }).waitFor();
            // Years, latest first: next year, then this one.
            await page.locator('#campagne-from_year_id').selectOption({ index: 2 });
            await page.locator('#campagne-to_year_id').selectOption({ index: 1 });
            await page.locator('#campagne-opens_at').fill('2027-03-01T09:00');
            await page.locator('#campagne-closes_at').fill('2027-06-30T18:30');
            await page.getByLabel('Étape « Autorisations »').uncheck();
            await page.getByRole('button', { name: 'Créer le brouillon' }).click();
            await page.getByRole('heading', { level: 1, name: /^Réglages : Réinscriptions / }).waitFor();
            const rows = sqliteQuery(server.dbPath, "SELECT id, opens_at, closes_at, step_autorisations FROM campaigns WHERE status = 'draft'");
            assert.equal(rows.length, 1);
            assert.match(String(rows[0].opens_at), /^2027-03-01[ T]08:00/, 'winter: 9 h in Paris is 8 h UTC');
            assert.match(String(rows[0].closes_at), /^2027-06-30[ T]16:30/, 'summer: 18 h 30 in Paris is 16 h 30 UTC');
            assert.equal(Number(rows[0].step_autorisations), 0);
            await page.locator('#modif-opens_at').waitFor();
            assert.equal(await page.locator('#modif-opens_at').inputValue(), '2027-03-01T09:00', 'shown back in Paris time');
            assert.equal(await page.locator('#modif-closes_at').inputValue(), '2027-06-30T18:30');

            await page.getByRole('button', { name: 'Tout cocher' }).click();
            await page.getByRole('button', { name: 'Enregistrer les cours proposés' }).click();
            await page.getByRole('status').filter({ hasText: /^Cours proposés enregistrés : [1-9]/ }).waitFor();
            await page.waitForFunction(() => document.activeElement?.id === 'cours-titre');

            await page.getByLabel('Texte du règlement intérieur').fill('Article 1. Les cours commencent à l\'heure.');
            await page.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
            await page.getByText('Version en vigueur : 1').waitFor();
            await page.getByLabel('Texte du règlement intérieur').fill('Article 1. Les cours commencent à l\'heure.\nArticle 2. Les absences sont signalées.');
            await page.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
            await page.getByText('Version en vigueur : 2').waitFor();

            await page.getByRole('button', { name: 'Ouvrir la campagne' }).click();
            await page.getByRole('alert').filter({ hasText: 'La page a été rechargée' }).waitFor();
            await screenshot(page, 'admin-reenrolment-settings-conflict-1280');
            const still = sqliteQuery(server.dbPath, 'SELECT status FROM campaigns WHERE id = ?', [rows[0].id]);
            assert.equal(still[0].status, 'draft', 'one open campaign per site');
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            await screenshot(page, 'FAILED-admin-reenrolment-settings').catch(() => {});
            error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
            throw error;
        } finally {
            await page.context().close();
        }
    });
});
