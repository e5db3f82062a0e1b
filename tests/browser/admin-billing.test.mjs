// The staff's « Facturation » in a real browser. With the Martin children's re-enrolment
// files validated (through the API), staff preview the year's fee invoices, issue them
// after a confirmation, find the invoice in the list filtered through the address (kept
// on reload), export the CSV and open its PDF; they issue a manual rental invoice with a
// reduction line, record a payment spread oldest first over both invoices (a double
// click records one), see what remains to pay fall, and establish a credit note, refused
// first beyond what remains. axe-core finds no violation on the screens at 1280 and
// 360 px, which fit the screen.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, launchBrowser, logInWithMouse, newPage, screenshot, startTutti,
} from './support/tutti.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

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

/** A one-page PDF, for the pieces the re-enrolment files ask for. */
function samplePdf() {
    const objects = [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    ];
    let pdf = '%PDF-1.4\n';
    const offsets = objects.map((object, index) => {
        const offset = pdf.length;
        pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
        return offset;
    });
    const xref = pdf.length;
    pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
    pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(pdf, 'latin1');
}

/** As the family, uploads a PDF for every required piece still to provide. */
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

/** The family's whole wizard for one child, then the school's validation. */
async function validatedFile(baseUrl, family, staff, campaign, studentId) {
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
        cours: { course_ids: [piano.id], comment: '', payment_method: 'prelevement', instalments: 9 },
    });
    await providePieces(baseUrl, family, studentId);
    file = await family.send('POST', at('submit'), { version: file.version, accepted_rules_version: campaign.rules.version });
    const detail = await staff.get(`/admin/reenrolment-files/${file.id}`);
    await staff.send('POST', `/admin/reenrolment-files/${file.id}/validate`, { version: detail.file.version });
}

/** Runs axe on the page as it is; its violations' rule names, the details printed. */
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

/** Follows a link of the main menu, opening the folded menu first on a phone. */
async function openFromMenu(page, name) {
    const link = page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name, exact: true });
    if (!(await link.isVisible())) await page.getByRole('button', { name: 'Menu' }).click();
    await link.click();
}

async function logInStaff(page, baseUrl) {
    await page.goto(`${baseUrl}/`);
    await logInWithMouse(page, DEMO.staff);
    await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
}

/** "1 234,56 €" as the page writes it (narrow no-break space, no-break space). */
function euros(cents) {
    const whole = Math.trunc(Math.abs(cents) / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
    return `${cents < 0 ? '-' : ''}${whole},${String(Math.abs(cents) % 100).padStart(2, '0')}\u00a0€`;
}

/** Cents as the boxes show them: "1 234,56", or "30" for whole euros. */
function typed(cents) {
    const whole = Math.trunc(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
    return cents % 100 === 0 ? whole : `${whole},${String(cents % 100).padStart(2, '0')}`;
}

/** The text of a fact of the invoice page (« Reste à payer »…). */
async function fact(page, term) {
    return page.locator('.facts div').filter({ has: page.locator('dt', { hasText: term }) }).locator('dd').innerText();
}

async function explain(error, page, server, name) {
    await screenshot(page, `FAILED-${name}`).catch(() => {});
    error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
    return error;
}

describe('staff billing screens', () => {
    let server;
    let browser;
    let staff;
    let household;
    let fee;
    let rental;

    before(async () => {
        server = await startTutti();
        browser = await launchBrowser();
        const family = await apiClient(server.baseUrl, DEMO.family);
        staff = await apiClient(server.baseUrl, DEMO.staff);
        household = (await family.get('/family')).id;
        const campaign = await family.get('/reenrolment/campaign');
        const children = await family.get('/reenrolment/children');
        for (const child of children.slice(0, 2)) {
            await validatedFile(server.baseUrl, family, staff, campaign, child.student_id);
        }
    });

    after(async () => {
        await browser?.close();
        await server?.stop();
    });

    test('staff preview the fee invoices, then issue them after a confirmation', async () => {
        const page = await newPage(browser);
        try {
            await logInStaff(page, server.baseUrl);
            await openFromMenu(page, 'Facturation');
            await page.getByRole('heading', { level: 1, name: 'Facturation' }).waitFor();
            await page.getByText('Aucune facture ne correspond à ces critères.').waitFor();
            await page.getByRole('link', { name: 'Émettre les cotisations' }).click();
            await page.getByRole('heading', { level: 1, name: 'Émettre les cotisations' }).waitFor();
            const campaign = page.getByLabel('Campagne de réinscription');
            await page.waitForFunction(() => document.querySelectorAll('#emission-campaign_id option').length > 1);
            await campaign.selectOption({ label: (await campaign.locator('option', { hasText: 'ouverte' }).innerText()).trim() });
            await page.getByRole('button', { name: 'Aperçu' }).click();

            const result = page.getByRole('region', { name: /^Aperçu : Réinscriptions/ });
            await result.waitFor();
            await page.waitForFunction(() => document.activeElement?.id === 'resultat-titre');
            await result.getByText('1 facture serait émise.').waitFor();
            const card = result.locator('article').filter({ hasText: 'Martin' });
            assert.equal(await card.getByRole('table', { name: /^Lignes de la facture/ }).locator('tbody tr').count() >= 2, true, 'a line per child at least');
            assert.match(await card.innerText(), /Total : [\d\u202f]+,\d\d\u00a0€/);
            assert.match(await card.innerText(), /9 échéances : \d\d\/\d\d\/\d{4} /);
            assert.deepEqual(await staff.get('/admin/invoices'), [], 'the preview issues nothing');
            await screenshot(page, 'admin-billing-preview-1280');

            await result.getByRole('button', { name: /^Émettre les factures/ }).click();
            await result.getByRole('button', { name: /^Confirmer : Émettre les factures/ }).click();
            await page.getByRole('status').filter({ hasText: '1 facture émise.' }).waitFor();
            const issued = page.getByRole('table', { name: 'Factures émises' });
            await issued.waitFor();
            const invoices = await staff.get('/admin/invoices');
            assert.equal(invoices.length, 1);
            [fee] = invoices;
            assert.equal(fee.kind, 'cotisation');
            assert.equal(fee.household_id, household);
            await issued.getByRole('link', { name: fee.number }).waitFor();
            await screenshot(page, 'admin-billing-issued-1280');
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-billing-issue');
        } finally {
            await page.context().close();
        }
    });

    test('the list keeps its filters in the address, exports them as CSV, and opens an invoice and its PDF', async () => {
        const page = await newPage(browser);
        try {
            await logInStaff(page, server.baseUrl);
            await openFromMenu(page, 'Facturation');
            const table = page.getByRole('table', { name: /^1 facture/ });
            await table.waitFor();
            const row = await table.locator('tbody tr').innerText();
            for (const expected of [fee.number, 'Martin', 'Cotisation', euros(fee.total_cents)]) {
                assert.ok(row.includes(expected), `the line shows ${expected}: ${row}`);
            }

            await page.locator('#filtre-status').selectOption('unpaid');
            await page.locator('#filtre-kind').selectOption('cotisation');
            await page.getByRole('button', { name: 'Filtrer' }).click();
            await page.waitForURL(/\/admin\/facturation\?kind=cotisation&status=unpaid$/);
            await page.reload();
            await table.waitFor();
            assert.equal(await page.locator('#filtre-status').inputValue(), 'unpaid', 'the filters survive a reload');
            assert.equal(await page.locator('#filtre-kind').inputValue(), 'cotisation');

            const [download] = await Promise.all([
                page.waitForEvent('download'),
                page.getByRole('button', { name: 'Exporter les factures (CSV)' }).click(),
            ]);
            assert.equal(download.suggestedFilename(), 'factures.csv');
            const csv = await readFile(await download.path(), 'utf8');
            assert.ok(csv.includes(fee.number), `the export lists the invoice: ${csv}`);
            await page.getByRole('status').filter({ hasText: 'Fichier « factures.csv » téléchargé.' }).waitFor();

            await page.locator('#filtre-kind').selectOption('location');
            await page.getByRole('button', { name: 'Filtrer' }).click();
            await page.getByText('Aucune facture ne correspond à ces critères.').waitFor();
            await page.goBack();
            await table.waitFor();

            await table.getByRole('link', { name: fee.number }).click();
            await page.getByRole('heading', { level: 1, name: `Facture ${fee.number}` }).waitFor();
            assert.equal(await fact(page, 'Reste à payer'), euros(fee.total_cents));
            assert.equal(await page.getByRole('link', { name: /Martin/ }).first().getAttribute('href'), `/admin/familles/${household}`);
            await page.getByRole('table', { name: 'Lignes de la facture' }).waitFor();
            const [pdf] = await Promise.all([
                page.context().waitForEvent('page'),
                page.getByRole('button', { name: 'Télécharger le PDF' }).click(),
            ]);
            await pdf.waitForURL(/^blob:/, { timeout: 10_000 });
            await pdf.close();
            await screenshot(page, 'admin-billing-invoice-1280');
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-billing-list');
        } finally {
            await page.context().close();
        }
    });

    test('staff issue a manual invoice and record a payment spread oldest first; a double click records one', async () => {
        const page = await newPage(browser);
        try {
            await logInStaff(page, server.baseUrl);
            await page.goto(`${server.baseUrl}/admin/facturation/nouvelle`);
            await page.getByRole('heading', { level: 1, name: 'Nouvelle facture' }).waitFor();
            await page.getByRole('searchbox', { name: 'Rechercher une famille' }).fill('Martin');
            await page.getByRole('button', { name: 'Rechercher' }).click();
            await page.getByText(/^1 famille trouvée, choisie/).waitFor();
            assert.equal(await page.locator('#facture-household_id').inputValue(), String(household));
            await page.locator('#facture-kind').selectOption('location');
            await page.locator('#facture-label').fill('Location de violon');
            await page.locator('#facture-lines-0-label').fill('Violon 3/4, septembre à juin');
            await page.locator('#facture-lines-0-amount_cents').fill('120');
            await page.getByRole('button', { name: 'Ajouter une ligne' }).click();
            await page.waitForFunction(() => document.activeElement?.id === 'facture-lines-1-label');
            await page.keyboard.type('Remise fratrie');
            await page.locator('#facture-lines-1-amount_cents').fill('-20');
            await page.getByRole('button', { name: 'Émettre la facture' }).click();
            await page.getByRole('heading', { level: 1, name: /^Facture \d{4}-\d{6}$/ }).waitFor();
            assert.equal(await fact(page, 'Total'), euros(10_000));
            rental = (await staff.get('/admin/invoices?kind=location'))[0];
            assert.equal(rental.lines.length, 2);

            await page.getByRole('link', { name: 'Enregistrer un règlement' }).click();
            await page.getByRole('heading', { level: 1, name: 'Enregistrer un règlement' }).waitFor();
            const owed = page.getByRole('table', { name: /^Factures dues de la famille/ });
            await owed.waitFor();
            assert.equal(await owed.locator('tbody tr').count(), 2);
            const received = fee.total_cents + 5_000;
            await page.getByLabel('Montant reçu (€)').fill(`${received / 100}`.replace('.', ','));
            const feeBox = page.getByLabel(`Montant affecté à la facture ${fee.number} (€)`);
            const rentalBox = page.getByLabel(`Montant affecté à la facture ${rental.number} (€)`);
            await page.waitForFunction(() => document.querySelector('#reglement-alloc-1')?.value === '50');
            assert.equal(await feeBox.inputValue(), typed(fee.total_cents), 'the oldest invoice first, in full');
            assert.equal(await rentalBox.inputValue(), '50');
            await page.getByLabel('Mode de règlement').selectOption({ label: 'Chèque' });
            await page.getByLabel(/^Référence/).fill('Chèque 1234567');
            await screenshot(page, 'admin-billing-payment-1280');
            await page.getByRole('button', { name: 'Enregistrer le règlement' }).dblclick();
            await page.getByRole('status').filter({ hasText: /^Règlement de .* enregistré/ }).waitFor();
            await owed.locator('tbody tr').first().waitFor();
            await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1);
            assert.match(await owed.innerText(), new RegExp(euros(5_000)));
            const payments = await staff.get('/admin/payments');
            assert.equal(payments.length, 1, 'a double click records one payment');
            assert.deepEqual(payments[0].allocations.map((part) => part.amount_cents), [fee.total_cents, 5_000]);

            await page.goto(`${server.baseUrl}/admin/facturation/${rental.id}`);
            await page.getByRole('heading', { level: 1, name: `Facture ${rental.number}` }).waitFor();
            assert.equal(await fact(page, 'Reste à payer'), euros(5_000));
            assert.match(await page.getByRole('table', { name: 'Règlements affectés à cette facture' }).innerText(), /Chèque 1234567/);

            await page.goto(`${server.baseUrl}/admin/facturation/reglements`);
            const list = page.getByRole('table', { name: /^1 règlement/ });
            await list.waitFor();
            const [receipt] = await Promise.all([
                page.context().waitForEvent('page'),
                list.getByRole('button', { name: /^Reçu \(PDF\)/ }).click(),
            ]);
            await receipt.waitForURL(/^blob:/, { timeout: 10_000 });
            await receipt.close();
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-billing-payment');
        } finally {
            await page.context().close();
        }
    });

    test('a credit note beyond what remains is refused on its lines, then one within it lowers what remains', async () => {
        const page = await newPage(browser);
        try {
            await logInStaff(page, server.baseUrl);
            await page.goto(`${server.baseUrl}/admin/facturation/${rental.id}`);
            await page.getByRole('heading', { level: 1, name: `Facture ${rental.number}` }).waitFor();
            await page.getByLabel('Motif de l\'avoir').fill('Geste commercial');
            await page.locator('#avoir-lines-0-label').fill('Remise exceptionnelle');
            await page.locator('#avoir-lines-0-amount_cents').fill('80');
            await page.getByRole('button', { name: 'Établir l\'avoir' }).click();
            const refusal = `L'avoir dépasse ce qui reste à payer sur la facture (${euros(5_000)}).`;
            await page.getByRole('alert').filter({ hasText: refusal }).waitFor();
            assert.equal(await page.locator('#avoir-lines-erreur').innerText(), refusal);
            await screenshot(page, 'admin-billing-credit-refused-1280');

            await page.locator('#avoir-lines-0-amount_cents').fill('12,5');
            await page.getByRole('button', { name: 'Établir l\'avoir' }).click();
            await page.getByRole('status').filter({ hasText: /^Avoir \d{4}-\d{6} établi : 12,50\u00a0€ crédités\.$/ }).waitFor();
            await page.waitForFunction(() => document.activeElement?.id === 'avoirs-titre');
            await page.waitForFunction((expected) => [...document.querySelectorAll('.facts div')]
                .some((row) => row.innerText.includes('Reste à payer') && row.innerText.includes(expected)), euros(3_750));
            const notes = page.getByRole('table', { name: 'Avoirs établis sur cette facture' });
            assert.match(await notes.innerText(), /Geste commercial/);
            assert.equal(await page.locator('#avoir-lines-0-amount_cents').inputValue(), '', 'the form is ready for another');
            await screenshot(page, 'admin-billing-credit-1280');
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            throw await explain(error, page, server, 'admin-billing-credit');
        } finally {
            await page.context().close();
        }
    });

    for (const width of [1280, 360]) {
        test(`at ${width} px, the billing screens have no axe violation and fit the screen`, async () => {
            const page = await newPage(browser, { width, height: 800, bypassCSP: true });
            try {
                await logInStaff(page, server.baseUrl);
                const screens = [
                    ['/admin/facturation', 'Facturation', () => page.getByRole('table', { name: /factures/ }).waitFor()],
                    [`/admin/facturation/${fee.id}`, `Facture ${fee.number}`, () => page.getByRole('table', { name: 'Règlements affectés à cette facture' }).waitFor()],
                    ['/admin/facturation/cotisations', 'Émettre les cotisations', async () => {
                        await page.waitForFunction(() => document.querySelectorAll('#emission-campaign_id option').length > 1);
                        const campaign = page.locator('#emission-campaign_id');
                        await campaign.selectOption({ label: (await campaign.locator('option', { hasText: 'ouverte' }).innerText()).trim() });
                        await page.getByRole('button', { name: 'Aperçu' }).click();
                        await page.getByRole('table', { name: 'Familles écartées' }).waitFor();
                    }],
                    ['/admin/facturation/nouvelle', 'Nouvelle facture', () => page.locator('#facture-lines-0-label').waitFor()],
                    [`/admin/facturation/reglements/nouveau?household_id=${household}`, 'Enregistrer un règlement',
                        () => page.getByRole('table', { name: /^Factures dues de la famille/ }).waitFor()],
                    ['/admin/facturation/reglements', 'Règlements', () => page.getByRole('table', { name: /règlement/ }).waitFor()],
                ];
                for (const [path, heading, ready] of screens) {
                    await page.goto(`${server.baseUrl}${path}`);
                    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
                    await ready();
                    await fits(page, path);
                    const name = path.split('?')[0].replace('/admin/', '').replaceAll('/', '-').replace(/-\d+$/, '-facture');
                    await screenshot(page, `admin-billing-${name}-${width}`);
                    assert.deepEqual(await axeRules(page, `${path} at ${width} px`), []);
                }
                // With messages beside the boxes too.
                await page.goto(`${server.baseUrl}/admin/facturation/nouvelle`);
                await page.locator('#facture-lines-0-amount_cents').fill('douze');
                await page.getByRole('button', { name: 'Émettre la facture' }).click();
                await page.locator('#facture-lines-0-amount_cents[aria-invalid="true"]').waitFor();
                await screenshot(page, `admin-billing-new-invoice-errors-${width}`);
                assert.deepEqual(await axeRules(page, `a refused invoice at ${width} px`), []);
            } catch (error) {
                throw await explain(error, page, server, `admin-billing-axe-${width}`);
            } finally {
                await page.context().close();
            }
        });
    }
});
