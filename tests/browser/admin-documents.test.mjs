// The staff's documents screens in a real browser: the family's files are sent through the
// API, then staff preview a photo in the page (an object URL the CSP lets through) and a
// PDF in a new tab, refuse one with a reason and validate another from the queue, and
// reorder and edit the document types; axe-core finds no violation on both screens, at
// 1280 and 360 px. (The family's own journey is tests/browser/documents.test.mjs.)

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, launchBrowser, logInWithMouse, newPage, screenshot, sqliteQuery, startTutti,
} from './support/tutti.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** CRC-32 of a PNG chunk (type and data). */
function crc32(bytes) {
    let crc = 0xffffffff;
    for (const byte of bytes) {
        crc ^= byte;
        for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
    }
    return (crc ^ 0xffffffff) >>> 0;
}

/** A 300×200 RGB PNG: a white sheet with a blue band, as a phone photo of a form would be. */
function samplePng() {
    const [width, height] = [300, 200];
    const rows = [];
    for (let y = 0; y < height; y += 1) {
        const row = Buffer.alloc(1 + width * 3);
        for (let x = 0; x < width; x += 1) {
            const colour = y < 40 ? [40, 80, 160] : (y % 24 < 4 && x > 20 && x < 260 ? [150, 150, 150] : [250, 250, 248]);
            row.set(colour, 1 + x * 3);
        }
        rows.push(row);
    }
    const chunk = (type, data) => {
        const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
        const length = Buffer.alloc(4);
        length.writeUInt32BE(data.length);
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(crc32(body));
        return Buffer.concat([length, body, crc]);
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(width, 0);
    header.writeUInt32BE(height, 4);
    header.set([8, 2, 0, 0, 0], 8);
    return Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', header),
        chunk('IDAT', deflateSync(Buffer.concat(rows))),
        chunk('IEND', Buffer.alloc(0)),
    ]);
}

/** A one-page PDF of text, without active content. */
function samplePdf() {
    const content = 'BT /F1 24 Tf 72 700 Td (Mandat SEPA) Tj ET';
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

/** Logs an account in through the API (the demo family by default); returns its token. */
async function familyToken(baseUrl, { login, password } = DEMO.family) {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ site: DEMO.siteSlug, login, password }),
    });
    assert.equal(response.status, 200, `API login of ${login}`);
    return (await response.json()).access_token;
}

/** As the family, sends `bytes` as the file of the piece named `name` (of the first child
 * for a per-child piece). */
async function sendPiece(baseUrl, token, name, fileName, type, bytes) {
    const pieces = await (await fetch(`${baseUrl}/api/v1/documents`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const form = new FormData();
    const own = pieces.household.find((piece) => piece.name === name);
    const child = pieces.students.find((student) => student.documents.some((piece) => piece.name === name));
    const piece = own ?? child?.documents.find((candidate) => candidate.name === name);
    assert.ok(piece, `the family has a piece named ${name}`);
    form.append('document_type_id', String(piece.document_type_id));
    if (!own) form.append('student_id', String(child.student_id));
    form.append('file', new Blob([bytes], { type }), fileName);
    const answer = await fetch(`${baseUrl}/api/v1/documents`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
    assert.equal(answer.status, 201, `upload of ${fileName}: ${await answer.text()}`);
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

/** The queue's row of a document type. */
function row(page, text) {
    return page.locator('.queue tbody tr').filter({ hasText: text });
}

describe('staff documents screens', () => {
    let server;
    let browser;

    before(async () => {
        server = await startTutti();
        browser = await launchBrowser();
        const token = await familyToken(server.baseUrl);
        await sendPiece(server.baseUrl, token, 'Assurance responsabilité civile', 'attestation-assurance.png', 'image/png', samplePng());
        await sendPiece(server.baseUrl, token, 'SEPA + RIB (prélèvement)', 'mandat-sepa.pdf', 'application/pdf', samplePdf());
        await sendPiece(server.baseUrl, token, "Droit à l'image", 'droit-image.pdf', 'application/pdf', samplePdf());
    });

    after(async () => {
        await browser?.close();
        await server?.stop();
    });

    test('staff preview, refuse and validate documents, then reorder and edit the types', async () => {
        // The server's own CSP stays on: the photo's object URL must get through img-src.
        const page = await newPage(browser);
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.staff);
            await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
            await openFromMenu(page, 'Documents');
            await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
            await page.getByRole('table').filter({ hasText: '3 documents à vérifier' }).waitFor();
            const insurance = row(page, 'Assurance responsabilité civile');
            const insuranceText = await insurance.innerText();
            for (const expected of ['Famille Martin', 'Tout le foyer', 'attestation-assurance.png', 'Transmis']) {
                assert.ok(insuranceText.includes(expected), `the row shows ${expected}: ${insuranceText}`);
            }
            assert.match(insuranceText, /\.png\s+(\d+ octets|\d+(,\d)? Ko)\s/, 'the size reads in French units, under the file name');
            assert.match(insuranceText, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/, 'the upload shows its Paris date and time');
            await screenshot(page, 'admin-documents-1280');

            // A photo shows in the page, from an object URL (img-src blob:), and closes
            // back onto its button.
            await insurance.getByRole('button', { name: /^Aperçu : / }).click();
            const image = page.getByRole('img', { name: /^Assurance responsabilité civile, Famille Martin/ });
            await image.waitFor();
            await page.waitForFunction(() => document.querySelector('img.document-preview')?.naturalWidth === 300);
            assert.match(await image.getAttribute('src'), /^blob:/);
            await page.waitForFunction(() => document.activeElement?.id === 'apercu-titre'); // the focus goes to the preview
            await screenshot(page, 'admin-documents-preview-1280');
            await page.getByRole('button', { name: "Fermer l'aperçu" }).click();
            await image.waitFor({ state: 'detached' });
            await page.waitForFunction(() => /^apercu-\d+$/.test(document.activeElement?.id)); // back to its button

            // A PDF opens in a new tab, the tab opened in the click itself.
            const sepa = row(page, 'SEPA + RIB (prélèvement)');
            const [tab] = await Promise.all([
                page.context().waitForEvent('page'),
                sepa.getByRole('button', { name: /^Aperçu : / }).click(),
            ]);
            await tab.waitForURL(/^blob:/);
            await page.getByRole('status').filter({ hasText: 's\'ouvre dans un nouvel onglet' }).waitFor();
            await tab.close();

            // Refuse with a reason: required, then sent; the family gets an e-mail.
            await sepa.getByRole('button', { name: /^Refuser : / }).click();
            const reason = page.getByLabel('Motif du refus (visible par la famille)');
            await reason.waitFor();
            await page.waitForFunction(() => document.activeElement?.id === 'refus-reason'); // the focus goes to the reason
            await page.getByRole('button', { name: 'Refuser le document' }).click();
            await page.locator('#refus-reason[aria-invalid="true"]').waitFor();
            await reason.fill('Le mandat n\'est pas signé : signez-le puis envoyez-le de nouveau.');
            await screenshot(page, 'admin-documents-refusal-1280');
            await page.getByRole('button', { name: 'Refuser le document' }).click();
            await page.getByRole('status').filter({ hasText: 'document refusé' }).waitFor();
            await sepa.waitFor({ state: 'detached' });
            await page.waitForFunction(() => document.activeElement?.id === 'documents-titre'); // back to the queue
            const emails = sqliteQuery(server.dbPath, "SELECT subject, body_text FROM outgoing_emails WHERE body_text LIKE '%pas signé%'");
            assert.equal(emails.length, 1, 'the family is e-mailed the reason');

            // Validate.
            await insurance.getByRole('button', { name: /^Valider : / }).click();
            await page.getByRole('status').filter({ hasText: 'Assurance responsabilité civile, Famille Martin : document validé.' }).waitFor();
            await insurance.waitFor({ state: 'detached' });
            await page.getByRole('table').filter({ hasText: '1 document à vérifier' }).waitFor();

            // The refused one, under "Refusés", with its reason.
            await page.locator('#filtre-state').selectOption({ label: 'Refusés' });
            await page.getByRole('button', { name: 'Filtrer' }).click();
            await row(page, 'SEPA + RIB (prélèvement)').filter({ hasText: 'Motif : Le mandat n\'est pas signé' }).waitFor();

            // The types: moved down, then edited.
            await page.getByRole('link', { name: 'Gérer les types de documents demandés' }).click();
            await page.getByRole('heading', { level: 1, name: 'Types de documents' }).waitFor();
            const names = () => page.locator('table tbody th').allInnerTexts();
            await page.locator('table tbody th').first().waitFor();
            const [first, second] = await names();
            await page.getByRole('button', { name: `Descendre : ${first}` }).click();
            await page.getByRole('status').filter({ hasText: `« ${first} » est maintenant en position 2 sur` }).waitFor();
            assert.deepEqual((await names()).slice(0, 2), [second, first]);
            // The focus follows the moved type (once the list is drawn again).
            await page.waitForFunction((name) => document.activeElement?.textContent === `Descendre : ${name}`, first);
            await page.getByRole('button', { name: "Modifier : Droit à l'image" }).click();
            await page.locator('#type-modif-help_text').fill('Autorisation signée, ou refus, de diffuser l\'image de l\'élève.');
            await page.locator('#type-modif-retired').check();
            await screenshot(page, 'admin-document-types-edit-1280');
            await page.getByRole('button', { name: 'Enregistrer' }).click();
            await page.getByRole('status').filter({ hasText: 'Type « Droit à l\'image » enregistré. Il est retiré' }).waitFor();
            await page.locator('table tbody tr').filter({ hasText: "Droit à l'image" }).filter({ hasText: 'Retiré le' }).waitFor();
            await screenshot(page, 'admin-document-types-1280');
            assert.deepEqual(page.problems.filter((problem) => problem.startsWith('page error')), []);
        } catch (error) {
            await screenshot(page, 'FAILED-admin-documents').catch(() => {});
            error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
            throw error;
        } finally {
            await page.context().close();
        }
    });

    for (const width of [1280, 360]) {
        test(`at ${width} px, the queue, a refusal and the types have no axe violation and fit the screen`, async () => {
            // axe-core is injected as a script, which the server's CSP forbids.
            const page = await newPage(browser, { width, height: 800, bypassCSP: true });
            try {
                await page.goto(`${server.baseUrl}/`);
                await logInWithMouse(page, DEMO.staff);
                await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
                await openFromMenu(page, 'Documents');
                await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
                await page.locator('#filtre-state').selectOption({ label: 'Tous les états' });
                await page.getByRole('button', { name: 'Filtrer' }).click();
                await page.locator('caption').filter({ hasText: /^\d+ documents?$/ }).waitFor();
                const waiting = page.getByRole('button', { name: /^Refuser : / }).first();
                await waiting.click();
                await page.getByLabel('Motif du refus (visible par la famille)').waitFor();
                const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
                assert.ok(overflow <= 0, `nothing wider than the screen (${overflow} px too wide)`);
                await screenshot(page, `admin-documents-all-${width}`);
                assert.deepEqual(await axeRules(page, `the documents queue at ${width} px`), []);
                await page.getByRole('button', { name: 'Annuler' }).click();

                await page.getByRole('link', { name: 'Gérer les types de documents demandés' }).click();
                await page.getByRole('heading', { level: 1, name: 'Types de documents' }).waitFor();
                await page.getByRole('button', { name: /^Modifier : / }).first().click();
                await page.locator('#type-modif-name').waitFor();
                await screenshot(page, `admin-document-types-edit-${width}`);
                assert.deepEqual(await axeRules(page, `the document types at ${width} px`), []);
            } catch (error) {
                await screenshot(page, `FAILED-admin-documents-${width}`).catch(() => {});
                error.message += `\npage problems: ${JSON.stringify(page.problems)}`;
                throw error;
            } finally {
                await page.context().close();
            }
        });
    }

    test('a document decided elsewhere meanwhile answers 409: nothing is applied and the list reloads', async () => {
        const page = await newPage(browser);
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.staff);
            await page.getByRole('heading', { level: 1, name: 'Espace administration' }).waitFor();
            await openFromMenu(page, 'Documents');
            const waiting = row(page, "Droit à l'image");
            await waiting.waitFor();

            // Another member of staff validates it first.
            const token = await familyToken(server.baseUrl, DEMO.staff);
            const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
            const queue = await (await fetch(`${server.baseUrl}/api/v1/admin/documents?state=transmis`, { headers })).json();
            const [document] = queue.items.filter((item) => item.document_type === "Droit à l'image");
            const decided = await fetch(`${server.baseUrl}/api/v1/admin/documents/${document.id}/decision`, {
                method: 'POST', headers, body: JSON.stringify({ decision: 'validate', version: document.version }),
            });
            assert.equal(decided.status, 204);

            await waiting.getByRole('button', { name: /^Refuser : / }).click();
            await page.getByLabel('Motif du refus (visible par la famille)').fill('Illisible.');
            await page.getByRole('button', { name: 'Refuser le document' }).click();
            await page.getByRole('alert').filter({ hasText: 'traité ou remplacé entre-temps : votre décision n\'a pas été appliquée' }).waitFor();
            await waiting.waitFor({ state: 'detached' });
            await page.locator('.queue').getByText('Aucun document ne correspond à ces critères.').waitFor();
            await screenshot(page, 'admin-documents-conflict-1280');
            const state = sqliteQuery(server.dbPath, 'SELECT state FROM documents WHERE id = ?', [document.id]);
            assert.equal(state[0].state, 'valide', 'the refusal was not applied over the validation');
        } catch (error) {
            await screenshot(page, 'FAILED-admin-documents-conflict').catch(() => {});
            error.message += `\npage problems: ${JSON.stringify(page.problems)}`;
            throw error;
        } finally {
            await page.context().close();
        }
    });
});
