// Helpers for the browser tests: the real `tutti` server on a free port with a fresh
// SQLite database and the demo data, Debian's Chromium driven by playwright-core, and a
// few journeys written once (log in, log out, find the e-mailed reset link).
//
// The server binary is $TUTTI_BIN, else $CARGO_TARGET_DIR/debug/tutti (default target dir
// ~/.cache/tutti/target, as in the Makefile); the SPA is $TUTTI_WEB_DIR, else <repo>/dist.

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..', '..');

export const DEMO = {
    site: 'Conservatoire 1',
    siteSlug: 'conservatoire',
    family: { login: 'famille.demo', password: 'Demo-Famille-2026', name: 'Martin' },
    durand: { login: 'famille.durand', password: 'Demo-Famille-2026', name: 'Durand' },
    staff: { login: 'admin.demo', password: 'Demo-Admin-2026' },
};

export const screenshotDir = process.env.TUTTI_SCREENSHOT_DIR || join(here, '..', 'screenshots');

function tuttiBinary() {
    if (process.env.TUTTI_BIN) return process.env.TUTTI_BIN;
    const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'tutti', 'target');
    return join(targetDir, 'debug', 'tutti');
}

function freePort() {
    return new Promise((resolvePort, reject) => {
        const server = createServer();
        server.unref();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolvePort(port));
        });
    });
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Starts `tutti serve` on a free port with its own data folder, after `tutti seed-demo`.
 * Returns { baseUrl, dataDir, dbPath, output(), stop() }.
 */
export async function startTutti() {
    const binary = tuttiBinary();
    const webDir = process.env.TUTTI_WEB_DIR || join(repoRoot, 'dist');
    if (!existsSync(binary)) throw new Error(`no server binary at ${binary}: run 'cargo build -p tutti-api' (or set TUTTI_BIN)`);
    if (!existsSync(join(webDir, 'index.html'))) throw new Error(`no built SPA in ${webDir}: run 'trunk build --release' (or set TUTTI_WEB_DIR)`);

    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'tutti-browser-'));
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = {
        ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TUTTI_'))),
        TUTTI_DATA_DIR: dataDir,
        TUTTI_WEB_DIR: webDir,
        TUTTI_BIND: `127.0.0.1:${port}`,
        TUTTI_PUBLIC_URL: baseUrl,
        TUTTI_BCRYPT_COST: '4',
        RUST_LOG: process.env.RUST_LOG || 'info',
    };

    // seed-demo runs the migrations and creates the demo site and accounts.
    try {
        execFileSync(binary, ['seed-demo'], { env, cwd: dataDir, stdio: 'pipe', timeout: 60_000 });
    } catch (error) {
        rmSync(dataDir, { recursive: true, force: true });
        throw new Error(`tutti seed-demo failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    }

    let output = '';
    const child = spawn(binary, ['serve'], { env, cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    let exited = null;
    const exitedPromise = new Promise((done) => child.on('exit', (code, signal) => { exited = { code, signal }; done(); }));

    const stop = async () => {
        if (exited === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exitedPromise;
            clearTimeout(timer);
        }
        if (!process.env.TUTTI_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    };

    const deadline = Date.now() + 30_000;
    for (;;) {
        if (exited !== null) {
            await stop();
            throw new Error(`tutti serve exited early (${JSON.stringify(exited)}):\n${output}`);
        }
        try {
            const response = await fetch(`${baseUrl}/api/v1/sites`);
            if (response.ok) break;
        } catch {
            // Not listening yet.
        }
        if (Date.now() > deadline) {
            await stop();
            throw new Error(`tutti serve did not answer GET /api/v1/sites within 30 s:\n${output}`);
        }
        await sleep(100);
    }

    return { baseUrl, dataDir, dbPath: join(dataDir, 'tutti.db'), output: () => output, stop };
}

/** Debian's Chromium, headless, with a fresh profile (playwright makes a temporary one). */
export async function launchBrowser() {
    return chromium.launch({
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        headless: true,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
    });
}

/**
 * A new page in its own context (own cookies) at the given width. Console errors and
 * page errors are collected in page.problems for the assertions' messages. `bypassCSP`
 * lets a test inject a script (axe-core) that the server's strict CSP would block.
 */
export async function newPage(browser, { width = 1280, height = 800, bypassCSP = false } = {}) {
    const context = await browser.newContext({
        viewport: { width, height }, locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP,
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.problems = [];
    page.on('console', (message) => {
        if (message.type() === 'error') page.problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
    return page;
}

/** Saves a full-page screenshot for a human to look at; returns its path. */
export async function screenshot(page, name) {
    mkdirSync(screenshotDir, { recursive: true });
    const path = join(screenshotDir, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
}

/** A button or a link with that accessible name (menus may use either). */
export function control(page, name, { includeHidden = false } = {}) {
    return page.getByRole('button', { name, exact: true, includeHidden })
        .or(page.getByRole('link', { name, exact: true, includeHidden }));
}

/** Waits for the SPA's login form, with the site list loaded when it asks for a site. */
export async function waitForLoginForm(page) {
    await page.getByRole('button', { name: 'Se connecter', exact: true }).waitFor();
    await page.getByLabel('Identifiant', { exact: true }).waitFor();
    const site = page.getByLabel('Site', { exact: true });
    if (await site.count() > 0 && await site.evaluate((element) => element.tagName === 'SELECT')) {
        await site.locator('option', { hasText: DEMO.site }).waitFor({ state: 'attached' });
    }
}

/** Chooses the demo site in the login form's "Site" field, when the form shows one. */
export async function chooseSite(page) {
    const site = page.getByLabel('Site', { exact: true });
    if (await site.count() === 0 || !(await site.isVisible())) return;
    const tag = await site.evaluate((element) => element.tagName);
    if (tag === 'SELECT') {
        await site.selectOption({ label: DEMO.site });
    } else {
        await site.fill(DEMO.siteSlug);
    }
}

/** Logs in with the mouse (click each field, type, click the button). */
export async function logInWithMouse(page, { login, password }) {
    await waitForLoginForm(page);
    await chooseSite(page);
    await page.getByLabel('Identifiant', { exact: true }).click();
    await page.keyboard.type(login);
    await page.getByLabel('Mot de passe', { exact: true }).click();
    await page.keyboard.type(password);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
}

/**
 * Waits for the signed-in home page of a family: the family's name on screen and the
 * menu's "Déconnexion" in the page (on a phone the menu may be folded away).
 */
export async function waitForHome(page, familyName) {
    await page.getByText(familyName).filter({ visible: true }).first().waitFor();
    await control(page, 'Déconnexion', { includeHidden: true }).first().waitFor({ state: 'attached' });
}

/**
 * Waits for the outcome of a form: a confirmation (role "status") is returned as text; an
 * error (role "alert") fails the test with its text.
 */
export async function expectConfirmation(page) {
    const status = page.getByRole('status').filter({ visible: true }).first();
    const alert = page.getByRole('alert').filter({ visible: true }).first();
    await status.or(alert).first().waitFor();
    if (await alert.isVisible()) throw new Error(`the form answered with an error: ${await alert.innerText()}`);
    return status.innerText();
}

/** Presses Tab until the locator's element has the focus (at most `max` times). */
export async function tabTo(page, locator, { max = 40, key = 'Tab' } = {}) {
    const handle = await locator.elementHandle();
    for (let presses = 0; presses < max; presses += 1) {
        if (await handle.evaluate((element) => element === document.activeElement)) return presses;
        await page.keyboard.press(key);
    }
    const focused = await page.evaluate(() => document.activeElement?.outerHTML?.slice(0, 200));
    throw new Error(`${locator} never received the focus after ${max} presses of ${key}; focus is on ${focused}`);
}

/** Runs a read-only SQL query on the server's SQLite file through python3's sqlite3. */
export function sqliteQuery(dbPath, sql, parameters = []) {
    const script = [
        'import json, sqlite3, sys',
        'db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=5)',
        'db.row_factory = sqlite3.Row',
        'rows = [dict(row) for row in db.execute(sys.argv[2], json.loads(sys.argv[3]))]',
        'print(json.dumps(rows, default=str))',
    ].join('\n');
    const out = execFileSync('python3', ['-c', script, dbPath, sql, JSON.stringify(parameters)], { encoding: 'utf8' });
    return JSON.parse(out);
}

/** The e-mail address of a demo account, as the school's records hold it. */
export function accountEmail(dbPath, login) {
    const rows = sqliteQuery(dbPath, 'SELECT email FROM accounts WHERE login = ?', [login]);
    if (rows.length !== 1) throw new Error(`no account ${login} in ${dbPath}`);
    return rows[0].email;
}

/** Waits for the newest outbox e-mail to `address` after `afterId` and returns its reset link. */
export async function waitForResetLink(dbPath, address, afterId = 0) {
    const deadline = Date.now() + 10_000;
    for (;;) {
        const rows = sqliteQuery(
            dbPath,
            'SELECT id, subject, body_text, status FROM outgoing_emails WHERE to_address = ? AND id > ? ORDER BY id DESC LIMIT 1',
            [address, afterId],
        );
        if (rows.length > 0) {
            const link = rows[0].body_text.match(/https?:\/\/\S+\/mot-de-passe\/nouveau#token=[A-Za-z0-9_\-.~%]+/);
            if (!link) throw new Error(`the e-mail to ${address} has no reset link:\n${rows[0].body_text}`);
            return link[0];
        }
        if (Date.now() > deadline) throw new Error(`no e-mail to ${address} in the outbox after 10 s`);
        await sleep(200);
    }
}

/** The id of the newest outgoing e-mail (0 when none). */
export function lastEmailId(dbPath) {
    const rows = sqliteQuery(dbPath, 'SELECT COALESCE(MAX(id), 0) AS id FROM outgoing_emails');
    return Number(rows[0].id);
}
