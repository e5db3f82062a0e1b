// "Mes connexions": a family sees where its account is signed in, this device marked,
// and ends another device's session, which then stops working.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, control, expectConfirmation, launchBrowser, logInWithMouse, newPage, screenshot, startTutti, waitForHome,
} from './support/tutti.mjs';

const PHONE = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

/** Logs in through the API as another device; returns its access token. */
async function otherDeviceLogin(baseUrl, { login, password }) {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': PHONE },
        body: JSON.stringify({ site: DEMO.siteSlug, login, password }),
    });
    assert.equal(response.status, 200, `login of ${login} as another device`);
    return (await response.json()).access_token;
}

async function accountStatus(baseUrl, token) {
    const response = await fetch(`${baseUrl}/api/v1/account`, { headers: { Authorization: `Bearer ${token}` } });
    return response.status;
}

describe('Mes connexions', () => {
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

    for (const [label, width] of [['phone', 360], ['desktop', 1280]]) {
        test(`a family sees this device and ends another one (${label}, ${width} px)`, async () => {
            const page = await newPage(browser, { width, height: 800 });
            try {
                await page.goto(`${server.baseUrl}/`);
                await logInWithMouse(page, DEMO.family);
                await waitForHome(page, DEMO.family.name);
                const phoneToken = await otherDeviceLogin(server.baseUrl, DEMO.family);

                // From the menu (folded behind "Menu" on a phone).
                const menuToggle = page.getByRole('button', { name: 'Menu', exact: true });
                if (await menuToggle.isVisible()) await menuToggle.click();
                await control(page, 'Connexions').first().click();
                await page.waitForURL('**/connexions');
                await page.getByRole('heading', { name: 'Mes connexions', level: 1 }).waitFor();

                const list = page.getByRole('list', { name: 'Connexions ouvertes' });
                // hasText ignores case, and every row says "Se déconnecter de cet appareil".
                const current = list.getByRole('listitem').filter({ has: page.getByText('Cet appareil', { exact: true }) });
                await current.waitFor();
                assert.match(await current.innerText(), /Chrome sur Linux/);
                assert.match(await current.innerText(), /réseau local/);
                const phone = list.getByRole('listitem').filter({ hasText: 'Chrome sur Android' });
                await phone.waitFor();
                await screenshot(page, `sessions-${label}`);

                await phone.getByRole('button', { name: 'Se déconnecter de cet appareil', exact: true }).click();
                assert.equal(await expectConfirmation(page), "L'appareil a été déconnecté.");
                await phone.waitFor({ state: 'detached' });
                assert.equal(await accountStatus(server.baseUrl, phoneToken), 401, 'the other device is logged out');
                await current.waitFor();

                // And "all the others" at once.
                const another = await otherDeviceLogin(server.baseUrl, DEMO.family);
                await page.reload();
                await list.getByRole('listitem').filter({ hasText: 'Chrome sur Android' }).waitFor();
                await page.getByRole('button', { name: 'Déconnecter toutes les autres connexions', exact: true }).click();
                assert.equal(await expectConfirmation(page), 'Toutes les autres connexions ont été fermées.');
                assert.equal(await accountStatus(server.baseUrl, another), 401, 'the others are logged out');
                assert.equal(await list.getByRole('listitem').count(), 1);
            } finally {
                await page.close();
            }
        });
    }
});
