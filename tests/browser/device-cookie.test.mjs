// Lock-out by a stranger: a browser that signed in to an account before still signs in
// while a stranger's wrong passwords keep the account locked for everyone else (the
// device cookie, issue 7 item 2).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, control, launchBrowser, logInWithMouse, newPage, screenshot, startTutti, waitForHome,
    waitForLoginForm,
} from './support/tutti.mjs';

/** A login sent by a stranger's script: no cookies at all. */
async function strangerLogin(baseUrl, password) {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site: DEMO.siteSlug, login: DEMO.family.login, password }),
    });
    return response.status;
}

describe('a known device', () => {
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

    test('a family that signed in here before signs in again while a stranger keeps its account locked', async () => {
        const page = await newPage(browser);
        try {
            await page.goto(`${server.baseUrl}/`);
            await logInWithMouse(page, DEMO.family);
            await waitForHome(page, DEMO.family.name);
            await control(page, 'Déconnexion').first().click();
            await waitForLoginForm(page);

            // The stranger's burst, until the account is locked for clients it does not know.
            let status = 0;
            for (let attempt = 0; attempt < 10 && status !== 429; attempt += 1) {
                status = await strangerLogin(server.baseUrl, 'pas-le-bon-mot-de-passe');
            }
            assert.equal(status, 429, 'the stranger locked the account');
            assert.equal(await strangerLogin(server.baseUrl, DEMO.family.password), 429,
                'even the right password is refused to a client the account does not know');

            // Another browser, never used for this account, is held back too.
            const stranger = await newPage(browser);
            try {
                await stranger.goto(`${server.baseUrl}/`);
                await logInWithMouse(stranger, DEMO.family);
                await stranger.getByRole('alert').filter({ visible: true }).first().waitFor();
                await screenshot(stranger, 'device-cookie-stranger-refused-1280');
            } finally {
                await stranger.context().close();
            }

            // The family's own browser signs in.
            await logInWithMouse(page, DEMO.family);
            await waitForHome(page, DEMO.family.name);
            await screenshot(page, 'device-cookie-known-device-home-1280');
        } catch (error) {
            await screenshot(page, 'FAILED-device-cookie').catch(() => {});
            error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
            throw error;
        } finally {
            await page.context().close();
        }
    });
});
