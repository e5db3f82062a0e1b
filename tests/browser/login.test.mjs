// A family logs in, finds its home page, keeps its session across a reload, and logs out:
// once with the mouse, once with the keyboard alone.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, control, launchBrowser, logInWithMouse, newPage, screenshot, startTutti, tabTo,
    waitForHome, waitForLoginForm,
} from './support/tutti.mjs';

describe('logging in and out', () => {
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

    test('a family logs in with the mouse, stays logged in across a reload, and logs out', async () => {
        const page = await newPage(browser);
        const adminRequests = [];
        page.on('request', (request) => {
            if (new URL(request.url()).pathname.startsWith('/admin')) adminRequests.push(request.url());
        });
        try {
            await page.goto(`${server.baseUrl}/`);
            await waitForLoginForm(page);
            await screenshot(page, 'login-page-1280');

            await logInWithMouse(page, DEMO.family);
            await waitForHome(page, DEMO.family.name);
            await screenshot(page, 'home-mouse-1280');

            // The access token lives in memory only: the reload must restore the session
            // through the HttpOnly refresh cookie.
            await page.reload();
            await waitForHome(page, DEMO.family.name);
            assert.equal(await page.getByRole('button', { name: 'Se connecter', exact: true }).count(), 0,
                'the login button is still shown after the reload');
            await screenshot(page, 'home-after-reload-1280');

            await control(page, 'Déconnexion').first().click();
            await waitForLoginForm(page);

            // The session ended on the server too: a reload does not bring it back.
            await page.reload();
            await waitForLoginForm(page);
            assert.equal(await control(page, 'Déconnexion').count(), 0, 'the menu is still shown after logging out');
            await screenshot(page, 'logged-out-1280');
            // Families never download the administration (a second build under /admin/).
            assert.deepEqual(adminRequests, [], 'requests under /admin');
        } catch (error) {
            await screenshot(page, 'FAILED-login-mouse').catch(() => {});
            error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
            throw error;
        } finally {
            await page.context().close();
        }
    });

    test('a family logs in and out with the keyboard alone', async () => {
        const page = await newPage(browser);
        try {
            await page.goto(`${server.baseUrl}/`);
            await waitForLoginForm(page);

            // The site list comes first; with one site it is already chosen, otherwise
            // the arrow keys pick the demo site.
            const site = page.getByLabel('Site', { exact: true });
            if (await site.count() > 0 && await site.isVisible()) {
                await tabTo(page, site);
                const chosen = () => site.evaluate((element) => element.selectedOptions?.[0]?.textContent?.trim() ?? element.value);
                for (let presses = 0; presses < 10 && (await chosen()) !== DEMO.site; presses += 1) {
                    await page.keyboard.press('ArrowDown');
                }
                assert.equal(await chosen(), DEMO.site, 'the keyboard could not choose the demo site');
            }

            await tabTo(page, page.getByLabel('Identifiant', { exact: true }));
            await page.keyboard.type(DEMO.family.login);
            await tabTo(page, page.getByLabel('Mot de passe', { exact: true }));
            await page.keyboard.type(DEMO.family.password);
            await page.keyboard.press('Enter');
            await waitForHome(page, DEMO.family.name);
            await screenshot(page, 'home-keyboard-1280');

            await page.reload();
            await waitForHome(page, DEMO.family.name);

            // Déconnexion: a button answers Space, a link answers Enter.
            const logout = control(page, 'Déconnexion').first();
            await tabTo(page, logout, { max: 60 });
            const isLink = await logout.evaluate((element) => element.tagName === 'A');
            await page.keyboard.press(isLink ? 'Enter' : 'Space');
            await waitForLoginForm(page);
            await page.reload();
            await waitForLoginForm(page);
            assert.equal(await control(page, 'Déconnexion').count(), 0, 'the menu is still shown after logging out');
        } catch (error) {
            await screenshot(page, 'FAILED-login-keyboard').catch(() => {});
            error.message += `\npage problems: ${JSON.stringify(page.problems)}\nserver output:\n${server.output().slice(-3000)}`;
            throw error;
        } finally {
            await page.context().close();
        }
    });
});
