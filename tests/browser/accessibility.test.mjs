// axe-core finds no accessibility violation on the login page and the home page, on a
// desktop (1280 px) and a phone (360 px) width.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import {
    DEMO, control, launchBrowser, logInWithMouse, newPage, screenshot, startTutti, waitForHome, waitForLoginForm,
} from './support/tutti.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe on the page as it is and returns its violations, described for a human. */
async function axeViolations(page) {
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
        await page.addScriptTag({ path: axePath });
    }
    const results = await page.evaluate(() => window.axe.run(document));
    return results.violations.map((violation) => ({
        rule: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
    }));
}

function assertNoViolations(violations, where) {
    if (violations.length > 0) console.log(`axe violations on ${where}:\n${JSON.stringify(violations, null, 2)}`);
    assert.deepEqual(violations.map((violation) => violation.rule), [], `axe found violations on ${where} (printed above)`);
}

describe('accessibility (axe-core)', () => {
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

    for (const [width, height] of [[1280, 800], [360, 740]]) {
        test(`the login page and the home page have no violations at ${width} px`, async () => {
            // The server's CSP forbids injected scripts, axe's included: bypass it for the audit.
            const page = await newPage(browser, { width, height, bypassCSP: true });
            try {
                await page.goto(`${server.baseUrl}/`);
                await waitForLoginForm(page);
                await screenshot(page, `a11y-login-${width}`);
                assertNoViolations(await axeViolations(page), `the login page at ${width} px`);

                await logInWithMouse(page, DEMO.family);
                await waitForHome(page, DEMO.family.name);
                await screenshot(page, `a11y-home-${width}`);
                assertNoViolations(await axeViolations(page), `the home page at ${width} px`);

                // On a phone the menu folds behind a "Menu" button: open it and check again.
                const logout = control(page, 'Déconnexion').first();
                if (!(await logout.isVisible())) {
                    await page.getByRole('button', { name: 'Menu' }).click();
                    await logout.waitFor();
                    await screenshot(page, `a11y-home-menu-${width}`);
                    assertNoViolations(await axeViolations(page), `the home page with its menu open at ${width} px`);
                }
            } catch (error) {
                await screenshot(page, `FAILED-a11y-${width}`).catch(() => {});
                error.message += `\npage problems: ${JSON.stringify(page.problems)}`;
                throw error;
            } finally {
                await page.context().close();
            }
        });
    }
});
