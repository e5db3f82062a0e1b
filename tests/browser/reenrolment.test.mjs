// The families' re-enrolment in a real browser, on the demo's open campaign.
//
// At 360 px and with the keyboard alone, a guardian follows the home page's card, says
// « Je souhaite réinscrire l'élève », confirms the coordonnées, is told what step 2
// still needs, answers it, leaves at step 3 (the pieces arrive from another device) and
// comes back through the home page's card to the very step, chooses a course, a payment
// method and a schedule, reads the récapitulatif with its estimate, is refused « Valider »
// until « J'accepte » is ticked, and sees « Réinscription en attente de validation ».
// Another child is declined through the dialog: Escape cancels it and changes nothing,
// « Confirmer » declines. axe-core finds no violation on any step at 1280 and 360 px.
// Once staff close the campaign, the tab and the home page's cards are gone, and the
// tab's address says that no campaign is open.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, launchBrowser, logInWithMouse, newPage, screenshot, startTutti, tabTo, waitForHome,
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
    const get = async (path) => {
        const answer = await fetch(`${baseUrl}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
        assert.ok(answer.ok, `GET ${path}: ${answer.status}`);
        return answer.json();
    };
    const post = async (path, body) => {
        const answer = await fetch(`${baseUrl}/api/v1${path}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
        });
        assert.ok(answer.ok, `POST ${path}: ${answer.status} ${await answer.clone().text()}`);
        return answer.json();
    };
    return { token, get, post };
}

/** As the family (another device), uploads a PDF for every required piece still to
 * provide, the household's and the child's. */
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

/** Runs axe on the page as it is; its violations' rule names, the details printed. */
async function axeRules(page, where) {
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: axePath });
    const results = await page.evaluate(() => window.axe.run(document));
    if (results.violations.length > 0) console.log(`axe violations on ${where}:\n${JSON.stringify(results.violations, null, 2)}`);
    return results.violations.map((violation) => violation.id);
}

/** The step's heading, « Étape n sur 6 : Name ». */
function stepHeading(page, number, name) {
    return page.getByRole('heading', { level: 3, name: `Étape ${number} sur 6 : ${name}` });
}

/** Tabs to a control and presses a key on it. */
async function press(page, locator, key) {
    await tabTo(page, locator, { max: 80 });
    await page.keyboard.press(key);
}

/** Nothing is wider than the screen. */
async function fits(page, where) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${where}: nothing wider than the screen (${overflow} px too wide)`);
}

async function explain(error, page, server, name) {
    await screenshot(page, `FAILED-${name}`).catch(() => {});
    error.message += `\nserver output:\n${server.output().slice(-3000)}`;
    return error;
}

describe('families re-enrol their children', () => {
    let server;
    let browser;
    let family;
    let children;

    before(async () => {
        server = await startTutti();
        browser = await launchBrowser();
        family = await apiClient(server.baseUrl, DEMO.family);
        children = await family.get('/reenrolment/children');
        assert.equal(children.length, 3, 'the demo family has three children');
    });

    after(async () => {
        await browser?.close();
        await server?.stop();
    });

    test('at 360 px and with the keyboard alone, a guardian completes the wizard, leaving at step 3 and resuming', async () => {
        const child = children[0];
        const page = await newPage(browser, { width: 360, height: 780, bypassCSP: true });
        const next = page.getByRole('button', { name: 'Suivant', exact: true });
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.family);
            await waitForHome(page, DEMO.family.name);
            const card = page.getByRole('link', { name: new RegExp(`^Réinscription de ${child.first_name}`) });
            await press(page, card, 'Enter');
            await page.getByText(`Souhaitez-vous réinscrire ${child.first_name}`).waitFor();
            await screenshot(page, 'reenrolment-question-360');
            await press(page, page.getByRole('button', { name: 'Je souhaite réinscrire l’élève' }), 'Enter');

            // 1 Coordonnées: the Famille and Identité forms, then « Suivant » confirms.
            await stepHeading(page, 1, 'Coordonnées').waitFor();
            await page.getByRole('heading', { name: /^Responsable 1/ }).waitFor();
            await page.getByRole('heading', { name: 'Élève', exact: true }).waitFor();
            assert.ok(page.url().endsWith(`/eleves/${child.student_id}/reinscription/coordonnees`), page.url());
            await screenshot(page, 'reenrolment-step1-360');
            await press(page, next, 'Enter');

            // 2 Autorisations: « Suivant » with nothing answered keeps the step and says why.
            await stepHeading(page, 2, 'Autorisations').waitFor();
            await press(page, next, 'Enter');
            await page.getByText('l’étape n’est pas complète').waitFor();
            assert.equal(await page.locator('.field-error').count() >= 5, true, 'each unanswered question says so');
            assert.deepEqual(await axeRules(page, 'step 2 with its messages at 360 px'), []);
            await press(page, page.getByRole('radiogroup', { name: /^Droit à l’image/ }).getByRole('radio', { name: 'Oui' }), 'Space');
            await press(page, page.getByRole('radiogroup', { name: /partir seul/ }).getByRole('radio', { name: 'Oui' }), 'ArrowDown');
            await tabTo(page, page.getByLabel('Personnes autorisées à venir chercher l’élève'), { max: 80 });
            await page.keyboard.type('Claire ou Julien Martin');
            await press(page, page.getByRole('radiogroup', { name: /pédibus/ }).getByRole('radio', { name: 'Oui' }), 'ArrowDown');
            await tabTo(page, page.getByLabel('Personne à prévenir en cas d’urgence'), { max: 80 });
            await page.keyboard.type('Monique Martin');
            await tabTo(page, page.getByLabel('Son téléphone'), { max: 80 });
            await page.keyboard.type('06 12 34 56 78');
            await screenshot(page, 'reenrolment-step2-360');
            await press(page, next, 'Enter');

            // 3 Documents: the family leaves here; the pieces come from another device.
            await stepHeading(page, 3, 'Documents').waitFor();
            await page.getByRole('heading', { name: 'Foyer' }).waitFor();
            await screenshot(page, 'reenrolment-step3-360');
            await providePieces(server.baseUrl, family, child.student_id);
            await page.goto(`${server.baseUrl}/`);
            const resume = page.getByRole('link', { name: new RegExp(`^Réinscription de ${child.first_name}`) });
            await resume.waitFor();
            assert.match(await resume.innerText(), /reprendre à l’étape « Documents »/);
            await press(page, resume, 'Enter');
            await stepHeading(page, 3, 'Documents').waitFor();
            await page.getByText('Toutes les pièces demandées ont été transmises.').waitFor();
            await press(page, next, 'Enter');

            // 4 Cours: a course, the Portail Familles, nine instalments.
            await stepHeading(page, 4, 'Cours').waitFor();
            const piano = page.getByRole('group', { name: 'Piano' }).getByRole('checkbox').first();
            await press(page, piano, 'Space');
            assert.equal(await piano.isChecked(), true);
            await tabTo(page, page.getByLabel('Demande particulière'), { max: 80 });
            await page.keyboard.type('Aimerait essayer la guitare.');
            await press(page, page.getByRole('radio', { name: /^Prélèvement automatique/ }), 'ArrowDown');
            assert.equal(await page.getByRole('radio', { name: 'Portail Familles de la ville' }).isChecked(), true);
            await press(page, page.getByRole('radio', { name: 'En une fois' }), 'ArrowDown');
            assert.equal(await page.getByRole('radio', { name: 'En neuf échéances' }).isChecked(), true);
            await screenshot(page, 'reenrolment-step4-360');
            await press(page, next, 'Enter');

            // 5 Récapitulatif: the choices, nothing missing, the estimate.
            await stepHeading(page, 5, 'Récapitulatif').waitFor();
            await page.getByText('Tout est prêt').waitFor();
            await page.getByRole('table', { name: 'Estimation de la cotisation annuelle' }).waitFor();
            await page.getByText('Aimerait essayer la guitare.').waitFor();
            assert.match(await page.getByRole('table').innerText(), /Total annuel estimé\s+[\d\u202f]+,\d\d\u00a0€/);
            await page.getByText(/Paiement en 9 échéances/).waitFor();
            await fits(page, 'the récapitulatif');
            await screenshot(page, 'reenrolment-step5-360');
            await press(page, next, 'Enter');

            // 6 Finalisation: « Valider » needs « J'accepte ».
            await stepHeading(page, 6, 'Finalisation').waitFor();
            const validate = page.getByRole('button', { name: 'Valider', exact: true });
            await press(page, validate, 'Enter');
            await page.getByText('Cochez « J’accepte » pour valider la réinscription.').waitFor();
            assert.deepEqual(await axeRules(page, 'step 6 with its message at 360 px'), []);
            await press(page, page.getByRole('checkbox', { name: /^J’accepte le règlement/ }), 'Space');
            await screenshot(page, 'reenrolment-step6-360');
            await press(page, validate, 'Enter');
            await page.getByText('Réinscription en attente de validation').waitFor();
            await page.getByText(/Demande envoyée le \d\d\/\d\d\/\d{4}/).waitFor();
            await screenshot(page, 'reenrolment-sent-360');
            const after = (await family.get('/reenrolment/children')).find((row) => row.student_id === child.student_id);
            assert.equal(after.status, 'en_attente');

            // A reload shows the same; the home page no longer asks for this child.
            await page.reload();
            await page.getByText('Réinscription en attente de validation').waitFor();
            await page.goto(`${server.baseUrl}/`);
            await waitForHome(page, DEMO.family.name);
            assert.equal(await page.getByRole('link', { name: new RegExp(`^Réinscription de ${child.first_name}`) }).count(), 0);
        } catch (error) {
            throw await explain(error, page, server, 'reenrolment-keyboard');
        } finally {
            await page.context().close();
        }
    });

    test('declining a child goes through a dialog that Escape cancels', async () => {
        const child = children[1];
        const page = await newPage(browser, { width: 1280, height: 800 });
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.family);
            await waitForHome(page, DEMO.family.name);
            await page.goto(`${server.baseUrl}/eleves/${child.student_id}/reinscription`);
            const opener = page.getByRole('button', { name: 'Je ne souhaite pas réinscrire l’élève' });
            await opener.click();
            const dialog = page.getByRole('dialog', { name: 'Ne pas réinscrire l’élève ?' });
            await dialog.waitFor();
            await screenshot(page, 'reenrolment-decline-dialog-1280');
            await page.keyboard.press('Escape');
            await dialog.waitFor({ state: 'hidden' });
            assert.equal(await opener.evaluate((element) => element === document.activeElement), true, 'the focus is back on the button');
            let row = (await family.get('/reenrolment/children')).find((one) => one.student_id === child.student_id);
            assert.equal(row.status, null, 'Escape changed nothing');

            await opener.click();
            await dialog.getByRole('button', { name: 'Confirmer : ne pas réinscrire' }).click();
            await page.getByText(`Vous avez indiqué ne pas réinscrire ${child.first_name}`).waitFor();
            row = (await family.get('/reenrolment/children')).find((one) => one.student_id === child.student_id);
            assert.equal(row.status, 'non_reinscrit');
            await page.getByRole('button', { name: 'Je souhaite réinscrire l’élève' }).waitFor();
            assert.equal(await opener.count(), 0, 'once declined, only « réinscrire » is offered');
        } catch (error) {
            throw await explain(error, page, server, 'reenrolment-decline');
        } finally {
            await page.context().close();
        }
    });

    for (const width of [1280, 360]) {
        test(`at ${width} px, every step of the wizard has no axe violation and fits the screen`, async () => {
            const child = children[2];
            const page = await newPage(browser, { width, height: 800, bypassCSP: true });
            try {
                await page.goto(`${server.baseUrl}/`);
                await logInWithMouse(page, DEMO.family);
                await waitForHome(page, DEMO.family.name);
                assert.deepEqual(await axeRules(page, `the home page with its cards at ${width} px`), []);
                await page.goto(`${server.baseUrl}/eleves/${child.student_id}/reinscription`);
                const start = page.getByRole('button', { name: 'Je souhaite réinscrire l’élève' });
                const started = page.getByRole('heading', { level: 3, name: /^Étape / });
                await start.or(started).first().waitFor();
                if (await start.isVisible()) await start.click();
                const steps = ['Coordonnées', 'Autorisations', 'Documents', 'Cours', 'Récapitulatif', 'Finalisation'];
                for (const [index, name] of steps.entries()) {
                    await page.getByRole('navigation', { name: 'Étapes de la réinscription' })
                        .getByRole('link', { name: new RegExp(`^${index + 1}\\. ${name}`) }).click();
                    await stepHeading(page, index + 1, name).waitFor();
                    await page.locator('.loading').waitFor({ state: 'detached' }).catch(() => {});
                    await fits(page, `step ${index + 1}`);
                    if (width === 1280) await screenshot(page, `reenrolment-step${index + 1}-1280`);
                    assert.deepEqual(await axeRules(page, `step ${index + 1} at ${width} px`), []);
                }
            } catch (error) {
                throw await explain(error, page, server, `reenrolment-axe-${width}`);
            } finally {
                await page.context().close();
            }
        });
    }

    // Last: it closes the demo's campaign.
    test('once the campaign is closed, the tab and the cards are gone and the address says why', async () => {
        const staff = await apiClient(server.baseUrl, DEMO.staff);
        const campaign = (await staff.get('/admin/campaigns')).find((one) => one.status === 'open');
        assert.ok(campaign, 'the demo has an open campaign');
        await staff.post(`/admin/campaigns/${campaign.id}/close`, { version: campaign.version });
        const child = children[2];
        const page = await newPage(browser, { width: 360, height: 780 });
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.family);
            await waitForHome(page, DEMO.family.name);
            await page.getByRole('link', { name: /^Élèves/ }).first().waitFor();
            assert.equal(await page.getByRole('link', { name: /^Réinscription de / }).count(), 0);
            await page.goto(`${server.baseUrl}/eleves/${child.student_id}/identite`);
            await page.getByRole('link', { name: 'Répertoire', exact: true }).waitFor();
            assert.equal(await page.getByRole('link', { name: 'Réinscription', exact: true }).count(), 0);
            await page.goto(`${server.baseUrl}/eleves/${child.student_id}/reinscription`);
            await page.getByText('Aucune campagne de réinscription n’est ouverte en ce moment').waitFor();
            await screenshot(page, 'reenrolment-closed-360');
        } catch (error) {
            throw await explain(error, page, server, 'reenrolment-closed');
        } finally {
            await page.context().close();
        }
    });
});
