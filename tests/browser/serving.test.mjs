// How the server hands out the built app (crates/api/src/spa.rs), checked over HTTP, and
// what a browser sees of it: files compressed at build time with the right headers,
// caching that a new build invalidates, robots.txt, a clean console for a signed-out
// visitor, and pages that do not move while they load.

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
    DEMO, launchBrowser, logInWithMouse, newPage, screenshot, startTutti, waitForHome,
    waitForLoginForm,
} from './support/tutti.mjs';

/** A raw GET (node:http, which neither asks for nor undoes compression by itself). */
function get(url, headers = {}) {
    return new Promise((resolve, reject) => {
        httpRequest(url, { headers }, (response) => {
            const chunks = [];
            response.on('data', (chunk) => chunks.push(chunk));
            response.on('end', () => resolve({
                status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks),
            }));
        }).on('error', reject).end();
    });
}

/** The address of the app's wasm and JS, as index.html announces them. */
async function assetPaths(baseUrl, prefix = '') {
    const html = (await get(`${baseUrl}${prefix}/`)).body.toString('utf8');
    const wasm = html.match(/href="?([^" >]+_bg\.wasm)/)?.[1];
    const script = html.match(/href="?([^" >]+tutti-web-[0-9a-f]+\.js)/)?.[1];
    assert.ok(wasm && script, `index.html names no hashed wasm and JS:\n${html}`);
    return { html, wasm, script };
}

describe('serving the app', () => {
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

    test('robots.txt tells every robot to keep out, and is revalidated', async () => {
        const answer = await get(`${server.baseUrl}/robots.txt`);
        assert.equal(answer.status, 200);
        assert.match(answer.headers['content-type'], /^text\/plain/);
        assert.equal(answer.body.toString('utf8'), 'User-agent: *\nDisallow: /\n');
        assert.equal(answer.headers['cache-control'], 'no-cache');
        const again = await get(`${server.baseUrl}/robots.txt`, { 'If-None-Match': answer.headers.etag });
        assert.equal(again.status, 304);
    });

    test('the wasm and the JS go out compressed at build time, brotli first, cached for good', async () => {
        for (const prefix of ['', '/admin']) {
            const { wasm, script } = await assetPaths(server.baseUrl, prefix);
            for (const [path, type] of [[wasm, /^application\/wasm$/], [script, /javascript/]]) {
                const plain = await get(`${server.baseUrl}${path}`);
                assert.equal(plain.status, 200, path);
                assert.equal(plain.headers['content-encoding'], undefined, `${path} without Accept-Encoding`);

                const brotli = await get(`${server.baseUrl}${path}`, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
                assert.equal(brotli.headers['content-encoding'], 'br', path);
                assert.match(brotli.headers['content-type'], type, path);
                assert.match(brotli.headers.vary ?? '', /Accept-Encoding/i, path);
                assert.equal(brotli.headers['cache-control'], 'public, max-age=31536000, immutable', path);
                assert.ok(brotli.body.length < plain.body.length, `${path}: brotli is not smaller`);
                assert.ok(brotliDecompressSync(brotli.body).equals(plain.body), `${path}: brotli body differs`);

                const gzip = await get(`${server.baseUrl}${path}`, { 'Accept-Encoding': 'gzip;q=1, br;q=0' });
                assert.equal(gzip.headers['content-encoding'], 'gzip', path);
                assert.match(gzip.headers['content-type'], type, path);
                assert.ok(gunzipSync(gzip.body).equals(plain.body), `${path}: gzip body differs`);
            }
        }
    });

    test('index.html is revalidated, answers client routes, and needs no inline script', async () => {
        const { html } = await assetPaths(server.baseUrl);
        assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script would need a CSP exception');
        for (const path of ['/', '/famille', '/eleves/12/cours', '/mot-de-passe/nouveau']) {
            const answer = await get(`${server.baseUrl}${path}`, { 'Accept-Encoding': 'br' });
            assert.equal(answer.status, 200, path);
            assert.match(answer.headers['content-type'], /^text\/html/, path);
            assert.equal(answer.headers['cache-control'], 'no-cache', path);
            assert.equal(answer.headers['content-encoding'], 'br', path);
            assert.match(answer.headers['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval';/, path);
            const again = await get(`${server.baseUrl}${path}`, { 'Accept-Encoding': 'br', 'If-None-Match': answer.headers.etag });
            assert.equal(again.status, 304, `${path} revalidated`);
        }
        const admin = await get(`${server.baseUrl}/admin/familles/3`);
        assert.match(admin.body.toString('utf8'), /\/admin\/tutti-web-[0-9a-f]+_bg\.wasm/, '/admin/* answers the administration\'s build');
        // A file of an older build is gone: 404, never index.html in place of a script.
        const stale = await get(`${server.baseUrl}/tutti-web-0123456789abcdef.js`);
        assert.equal(stale.status, 404);
    });

    test('a signed-out visitor gets the login page without any request that fails or any console error', async () => {
        const page = await newPage(browser, { width: 360 });
        const failed = [];
        page.on('response', (response) => {
            if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
        });
        try {
            await page.goto(`${server.baseUrl}/`);
            await waitForLoginForm(page);
            await page.waitForTimeout(300);
            assert.deepEqual(failed, [], 'failed requests');
            assert.deepEqual(page.problems, [], 'console errors');
        } finally {
            await page.context().close();
        }
    });

    test('nothing moves when the home page replaces the login page, nor when Famille loads', async () => {
        for (const width of [360, 1280]) {
            const page = await newPage(browser, { width, height: 740 });
            await page.addInitScript(() => {
                window.layoutShifts = [];
                new PerformanceObserver((list) => {
                    // Shifts right after a click count too (Lighthouse skips them): the
                    // login page gives way to the home page right after one.
                    for (const entry of list.getEntries()) window.layoutShifts.push(entry.value);
                }).observe({ type: 'layout-shift', buffered: true });
            });
            const shifts = async () => page.evaluate(() => window.layoutShifts.reduce((sum, value) => sum + value, 0));
            try {
                await page.goto(`${server.baseUrl}/`);
                await logInWithMouse(page, DEMO.family);
                await waitForHome(page, DEMO.family.name);
                await page.waitForTimeout(300);
                assert.ok(await shifts() < 0.01, `${width} px: layout shift ${await shifts()} around the home page`);

                await page.goto(`${server.baseUrl}/famille`);
                await page.getByRole('heading', { name: /Responsable 1/ }).waitFor();
                await page.waitForTimeout(300);
                assert.ok(await shifts() < 0.01, `${width} px: layout shift ${await shifts()} while Famille loads`);
                await screenshot(page, `famille-loaded-${width}`);
            } finally {
                await page.context().close();
            }
        }
    });
});
