// Passwords through the UI: a forgotten one reset with the e-mailed link, and a
// change from the "Mot de passe" page; each time the new password is the one that works.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, accountEmail, control, expectConfirmation, lastEmailId, launchBrowser, logInWithMouse, newPage, screenshot,
    startTutti, waitForHome, waitForLoginForm, waitForResetLink,
} from './support/tutti.mjs';

describe('passwords', () => {
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

    /** Logs in and expects to stay on the login page with an error shown. */
    async function expectLoginRefused(page, credentials) {
        await logInWithMouse(page, credentials);
        await page.getByRole('alert').filter({ visible: true }).first().waitFor();
        assert.equal(await control(page, 'Déconnexion').count(), 0, `${credentials.login} got in with a wrong password`);
    }

    test('a family resets a forgotten password with the e-mailed link, then logs in with the new one', async () => {
        const page = await newPage(browser);
        const account = DEMO.durand;
        const newPassword = 'Partition-Neuve-2026';
        try {
            const email = accountEmail(server.dbPath, account.login);
            const before = lastEmailId(server.dbPath);

            await page.goto(`${server.baseUrl}/`);
            await waitForLoginForm(page);
            await control(page, 'Générer un nouveau mot de passe').first().click();
            await page.waitForURL('**/mot-de-passe/oubli');

            const site = page.getByLabel('Site', { exact: true });
            if (await site.count() > 0 && await site.isVisible()) {
                await site.locator('option', { hasText: DEMO.site }).waitFor({ state: 'attached' }).catch(() => {});
                if (await site.evaluate((element) => element.tagName === 'SELECT')) await site.selectOption({ label: DEMO.site });
            }
            await page.getByLabel('Identifiant', { exact: true }).fill(account.login);
            await page.getByLabel('E-mail', { exact: true }).fill(email);
            await page.getByRole('button', { name: 'Générer un nouveau mot de passe', exact: true }).click();
            await expectConfirmation(page);
            await screenshot(page, 'reset-requested');

            const link = await waitForResetLink(server.dbPath, email, before);
            assert.ok(link.startsWith(`${server.baseUrl}/mot-de-passe/nouveau#token=`), `unexpected link ${link}`);

            await page.goto(link);
            await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword);
            await page.getByLabel('Confirmation du nouveau mot de passe', { exact: true }).fill(newPassword);
            await screenshot(page, 'reset-confirm');
            await page.getByRole('button', { name: 'Enregistrer le mot de passe', exact: true }).click();
            await expectConfirmation(page);
            await screenshot(page, 'reset-done');

            // The old password no longer works; the new one does.
            await page.goto(`${server.baseUrl}/`);
            await expectLoginRefused(page, account);
            await page.reload();
            await logInWithMouse(page, { ...account, password: newPassword });
            await waitForHome(page, account.name);
            await screenshot(page, 'reset-logged-in');
        } catch (error) {
            await screenshot(page, 'FAILED-password-reset').catch(() => {});
            error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
            throw error;
        } finally {
            await page.context().close();
        }
    });

    test('a family changes its password, logs out, and logs in with the new one', async () => {
        const page = await newPage(browser);
        const account = DEMO.family;
        const newPassword = 'Nouvelle-Gamme-2026';
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, account);
            await waitForHome(page, account.name);

            await control(page, 'Mot de passe').first().click();
            await page.waitForURL('**/mot-de-passe');
            // A common password is refused by the server, with its reason under the field.
            await page.getByLabel('Mot de passe actuel', { exact: true }).fill(account.password);
            await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('motdepasse123');
            await page.getByLabel('Confirmation du nouveau mot de passe', { exact: true }).fill('motdepasse123');
            await page.getByRole('button', { name: 'Changer le mot de passe', exact: true }).click();
            await page.getByText('trop courant ou trop facile à deviner', { exact: false }).first().waitFor();
            await screenshot(page, 'password-too-common');

            await page.getByLabel('Mot de passe actuel', { exact: true }).fill(account.password);
            await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword);
            await page.getByLabel('Confirmation du nouveau mot de passe', { exact: true }).fill(newPassword);
            await page.getByRole('button', { name: 'Changer le mot de passe', exact: true }).click();
            await expectConfirmation(page);
            await screenshot(page, 'password-changed');

            await control(page, 'Déconnexion').first().click();
            await waitForLoginForm(page);
            await expectLoginRefused(page, account);
            await page.reload();
            await logInWithMouse(page, { ...account, password: newPassword });
            await waitForHome(page, account.name);
        } catch (error) {
            await screenshot(page, 'FAILED-password-change').catch(() => {});
            error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
            throw error;
        } finally {
            await page.context().close();
        }
    });
});
