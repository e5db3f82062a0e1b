// Documents ("Pièces à fournir") in a real browser: at 360 px, a family sends a medical
// certificate and a RIB with the keyboard alone and sees "Transmis"; staff validate the
// one and refuse the other from their queue; the family then sees "Validé" and the
// reason. axe-core finds no violation on either page at 1280 and 360 px.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, control, launchBrowser, logInWithMouse, newPage, screenshot, startTutti, tabTo, waitForHome,
} from './support/tutti.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CERTIFICATE = 'Certificat médical (danse)';
const RIB = 'SEPA + RIB (prélèvement)';
const REASON = 'Le RIB est illisible : envoyez une photo plus nette.';

/** A small valid PDF with one page saying `text` (what the server's inspection accepts). */
function pdf(text) {
    const content = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
    const objects = [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
        `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ];
    let body = '%PDF-1.4\n';
    const offsets = [];
    objects.forEach((object, index) => {
        offsets.push(body.length);
        body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    });
    const xref = body.length;
    body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
    body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(body, 'latin1');
}

async function axeViolations(page) {
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
        await page.addScriptTag({ path: axePath });
    }
    const results = await page.evaluate(() => window.axe.run(document));
    return results.violations.map((violation) => ({
        rule: violation.id,
        help: violation.help,
        nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
    }));
}

async function assertAxeClean(page, where) {
    const violations = await axeViolations(page);
    if (violations.length > 0) console.log(`axe violations on ${where}:\n${JSON.stringify(violations, null, 2)}`);
    assert.deepEqual(violations.map((violation) => violation.rule), [], `axe found violations on ${where} (printed above)`);
}

/** The list item of a piece, found by its heading. */
function piece(page, name) {
    return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
}

/** Sends `file` for the piece with the keyboard: Tab to its file input, Space, choose. */
async function sendWithKeyboard(page, name, file) {
    const input = piece(page, name).first().locator('input[type="file"]');
    await tabTo(page, input, { max: 120 });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
    await chooser.setFiles(file);
    await piece(page, name).first().getByRole('status').filter({ hasText: 'est transmis' }).waitFor();
    assert.equal(await piece(page, name).first().locator('.piece-state').innerText(), 'Transmis');
    // The piece is drawn anew; the keyboard is given back its file input ("Remplacer").
    await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'file');
}

describe('documents', () => {
    let server;
    let browser;
    let folder;

    before(async () => {
        server = await startTutti();
        browser = await launchBrowser();
        folder = mkdtempSync(join(tmpdir(), 'tutti-pieces-'));
    });

    after(async () => {
        await browser?.close();
        await server?.stop();
        if (folder) rmSync(folder, { recursive: true, force: true });
    });

    test('a family sends two pieces by keyboard at 360 px; staff validate one and refuse the other', async () => {
        const certificate = join(folder, 'certificat médical.pdf');
        const rib = join(folder, 'RIB Martin.pdf');
        writeFileSync(certificate, pdf('Certificat medical'));
        writeFileSync(rib, pdf('RIB'));

        const family = await newPage(browser, { width: 360, height: 740, bypassCSP: true });
        const staff = await newPage(browser, { width: 1280, height: 900, bypassCSP: true });
        try {
            await family.goto(`${server.baseUrl}/`);
            await logInWithMouse(family, DEMO.family);
            await waitForHome(family, DEMO.family.name);
            await family.goto(`${server.baseUrl}/documents`);
            await family.getByRole('heading', { name: 'Documents', level: 1 }).waitFor();
            await piece(family, CERTIFICATE).first().waitFor();
            await assertAxeClean(family, 'the family documents page at 360 px');

            await family.getByRole('heading', { name: 'Documents', level: 1 }).focus();
            await sendWithKeyboard(family, CERTIFICATE, certificate);
            await family.getByRole('heading', { name: 'Documents', level: 1 }).focus();
            await sendWithKeyboard(family, RIB, rib);
            assert.match(await piece(family, RIB).innerText(), /RIB Martin\.pdf/);
            await screenshot(family, 'documents-family-sent-360');

            // Staff: the queue shows both; validate the certificate, refuse the RIB.
            await staff.goto(`${server.baseUrl}/admin/`);
            await logInWithMouse(staff, DEMO.staff);
            // Signed in (the menu's Déconnexion is there) before leaving the page, or the
            // navigation would cancel the login in flight.
            await control(staff, 'Déconnexion', { includeHidden: true }).first().waitFor({ state: 'attached' });
            await staff.goto(`${server.baseUrl}/admin/documents`);
            const row = (name) => staff.getByRole('row').filter({ hasText: name });
            await row(CERTIFICATE).waitFor();
            await row(RIB).waitFor();
            await assertAxeClean(staff, 'the staff documents queue at 1280 px');
            await screenshot(staff, 'documents-staff-queue-1280');
            await row(CERTIFICATE).getByRole('button', { name: /^Valider/ }).click();
            await row(CERTIFICATE).waitFor({ state: 'detached' });
            await row(RIB).getByRole('button', { name: /^Refuser/ }).click();
            await staff.getByLabel('Motif du refus (visible par la famille)').fill(REASON);
            await staff.getByRole('button', { name: /Confirmer le refus|Refuser le document/ }).click();
            await row(RIB).waitFor({ state: 'detached' });
            await staff.setViewportSize({ width: 360, height: 740 });
            await assertAxeClean(staff, 'the staff documents queue at 360 px');

            // The family sees the outcome.
            await family.reload();
            await piece(family, CERTIFICATE).first().waitFor();
            assert.equal(await piece(family, CERTIFICATE).first().locator('.piece-state').innerText(), 'Validé');
            assert.equal(await piece(family, RIB).locator('.piece-state').innerText(), 'Refusé');
            assert.match(await piece(family, RIB).innerText(), new RegExp(`Motif du refus : ${REASON.replace(/[.()]/g, '\\$&')}`));
            await screenshot(family, 'documents-family-decided-360');
            await family.setViewportSize({ width: 1280, height: 900 });
            await assertAxeClean(family, 'the family documents page at 1280 px');
            assert.deepEqual(family.problems, [], 'no console error on the family side');
        } finally {
            await family.context().close();
            await staff.context().close();
        }
    });
});
