// Drives the dashboard in headless Chromium (tests/system/ui_browser_test.sh starts the
// server). Two scenarios, chosen by the first argument:
//   lab    hosts and states appear after the token is entered; a checkpoint shows up
//          without a reload; halt is refused without the token and works with it; the host
//          page draws its boot timeline; no BMC password anywhere on the page
//   big    10,000 hosts: the first view renders in under 1 s and scrolling keeps few rows
// Settings come from the environment: VQ_CHROMIUM, VQ_USER_URL, VQ_AGENT_URL, VQ_TOKEN,
// VQ_MAC, VQ_SECRET (a string that must never be shown), VQ_OUT (screenshots).
import puppeteer from "puppeteer-core";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const scenario = process.argv[2];
const userUrl = env("VQ_USER_URL");
const out = env("VQ_OUT");
const token = env("VQ_TOKEN");

function check(cond, message) {
  if (!cond) throw new Error("FAILED: " + message);
  console.log("ok: " + message);
}

async function toastText(page) {
  await page.waitForSelector("#toast:not([hidden])", {timeout: 5000});
  const text = await page.$eval("#toast", (t) => t.textContent);
  await page.$eval("#toast", (t) => { t.hidden = true; });
  return text;
}

// Clicks what answers with a toast; a toast still shown from before (they stay 5 s) is hidden
// first, so that toastText() reads the answer to this click and not the previous one.
async function clickForToast(page, selector) {
  await page.$eval("#toast", (t) => { t.hidden = true; });
  await page.click(selector);
}

async function confirmDialog(page) {
  await page.waitForSelector("#confirm[open]", {timeout: 5000});
  await page.click("#confirm-ok");
}

async function setToken(page, value) {
  await page.$eval("#token", (el, v) => { el.value = v; }, value);
  await page.click("#token-form button");
}

async function lab(page) {
  const mac = env("VQ_MAC");
  const secret = env("VQ_SECRET");
  await page.goto(userUrl + "/ui/", {waitUntil: "domcontentloaded"});
  await page.waitForSelector("#banner:not([hidden])", {timeout: 5000});
  const banner = await page.$eval("#banner", (b) => b.textContent);
  check(/token/.test(banner), "without a token the page asks for one: " + banner);

  await setToken(page, token);
  await page.waitForSelector('.row[data-key="lab/node1"]', {timeout: 10000});
  const rows = await page.$$eval(".row", (rs) => rs.map((r) => r.textContent));
  check(rows.length === 3, "the lab's 3 hosts are listed: " + rows.length);
  check(rows.some((r) => r.includes("node2")) && rows.some((r) => r.includes("node3")), "node2 and node3 too");
  const phase = await page.$eval('.row[data-key="lab/node1"] .phase', (p) => p.textContent);
  check(phase.length > 1 && phase !== "-", "node1 has a rollout phase: " + phase);
  await page.waitForSelector("#live.on", {timeout: 5000});
  check(true, "the live stream is connected");
  const wf = await page.$eval("#workflows", (t) => t.textContent);
  check(wf.includes("install-then-disk"), "the workflow is listed with its rollout");

  // A checkpoint made now must reach the page without a reload.
  await page.evaluate(() => { window.__sameDocument = true; });
  const stageBefore = await page.$eval('.row[data-key="lab/node1"]', (r) => r.children[5].textContent);
  const agent = env("VQ_AGENT_URL");
  const res = await fetch(`${agent}/checkpoint/${mac}?boot=install`);
  check(res.ok, "the agent took the checkpoint: " + res.status);
  await page.waitForFunction(
    () => {
      const r = document.querySelector('.row[data-key="lab/node1"]');
      return r && r.textContent.includes("HTTP_CHECKPOINT") && r.children[5].textContent === "2";
    },
    {timeout: 5000});
  check(await page.evaluate(() => window.__sameDocument === true),
    "the checkpoint showed up live (stage " + stageBefore + " -> 2, last event HTTP_CHECKPOINT), no reload");
  await page.screenshot({path: out + "/dashboard.png", fullPage: true});

  // Actions: refused without the token, done with it.
  let raw = await fetch(`${userUrl}/halt?site=lab&workflow=install-then-disk`, {method: "POST"});
  check(raw.status === 401, "POST /halt without a token: 401");
  await page.evaluate(() => { window.vqDashboard.token = ""; });
  await clickForToast(page, '#workflows button[data-action="halt"]');
  await confirmDialog(page);
  const refused = await toastText(page);
  check(/401/.test(refused), "the page's halt without a token is refused: " + refused);
  await page.evaluate((t) => { window.vqDashboard.token = t; }, token);
  await clickForToast(page, '#workflows button[data-action="halt"]');
  await confirmDialog(page);
  const done = await toastText(page);
  check(/halted/.test(done), "halt with the token works: " + done);
  await page.waitForFunction(() => document.querySelector("#workflows").textContent.includes("halted"), {timeout: 5000});
  raw = await fetch(`${userUrl}/plan`, {headers: {Authorization: "Bearer " + token}});
  const plan = await raw.json();
  check(plan.workflows.some((w) => w.workflow === "install-then-disk" && w.halted), "the server holds it halted");
  await clickForToast(page, '#workflows button[data-action="resume"]');
  await confirmDialog(page);
  check(/resumed/.test(await toastText(page)), "resume with the token works");

  // The host page: its boot timeline as a picture, its transitions, its actions.
  await page.goto(userUrl + "/ui/#/host/lab/node1", {waitUntil: "domcontentloaded"});
  await page.waitForSelector("svg.timeline g.step", {timeout: 5000});
  const steps = await page.$$eval("svg.timeline g.step", (gs) => gs.map((g) => g.dataset.step));
  check(["ipxe", "kernel", "config", "checkpoint"].every((s) => steps.includes(s)),
    "the boot timeline draws " + steps.join(" -> "));
  // An agent whose wall clock jumped back an hour mid-boot: the timeline keeps the order the
  // events arrived in and draws no negative step.
  const jumped = await page.evaluate(() => {
    const t0 = Date.parse("2026-01-01T10:00:00Z"), back = t0 - 3600 * 1000;
    const events = [
      {kind: "DHCP_ACK", ms: t0}, {kind: "TFTP_DONE", ms: back + 100}, {kind: "HTTP_IPXE", ms: back + 200},
      {kind: "HTTP_FILE", ms: back + 300}, {kind: "HTTP_CONFIG", ms: back + 400},
      {kind: "HTTP_CHECKPOINT", ms: back + 500},
    ];
    const transitions = [{to: "rebooting", reason: "power action", time: new Date(t0 - 1000).toISOString()}];
    const merged = withPowerSteps(events, transitions);
    return {steps: lastBoot(merged).map((s) => s.step), svg: timelineSvg(merged)};
  });
  check(jumped.steps.join(" ") === "power dhcp tftp ipxe kernel config checkpoint",
    "a clock jumped back keeps the boot in order: " + jumped.steps.join(" -> "));
  check(!/width="-/.test(jumped.svg), "no negative step is drawn");
  await page.screenshot({path: out + "/host.png", fullPage: true});
  await clickForToast(page, "#reprovision");
  await confirmDialog(page);
  const rep = await toastText(page);
  check(/out of date/.test(rep), "reprovision with the token works: " + rep);

  const html = await page.content();
  const hostsJson = await (await fetch(`${userUrl}/ui/hosts`, {headers: {Authorization: "Bearer " + token}})).text();
  check(!html.includes(secret) && !hostsJson.includes(secret), "the BMC password is shown nowhere");
}

async function big(page) {
  await page.evaluateOnNewDocument((t) => sessionStorage.setItem("vq-token", t), token);
  await page.goto(userUrl + "/ui/", {waitUntil: "domcontentloaded"});
  await page.waitForFunction(() => document.body.dataset.firstRenderMs, {timeout: 20000});
  const ms = Number(await page.evaluate(() => document.body.dataset.firstRenderMs));
  const total = await page.evaluate(() => window.vqDashboard.hosts.length);
  check(total === 10000, "10,000 hosts loaded: " + total);
  console.log(`first render: ${ms.toFixed(0)} ms`);
  check(ms < 1000, `the first view rendered in ${ms.toFixed(0)} ms (< 1000)`);
  const rowsAtTop = await page.$$eval(".row", (rs) => rs.length);
  check(rowsAtTop > 10 && rowsAtTop < 100, "few rows in the DOM: " + rowsAtTop);
  // Scroll through the list in steps; each frame keeps the row count small and the right hosts drawn.
  const frames = [];
  for (const fraction of [0.25, 0.5, 0.75, 1]) {
    const t0 = await page.evaluate(() => performance.now());
    await page.$eval("#viewport", (v, f) => { v.scrollTop = f * (v.scrollHeight - v.clientHeight); }, fraction);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    frames.push((await page.evaluate(() => performance.now())) - t0);
    const n = await page.$$eval(".row", (rs) => rs.length);
    check(n < 100, `at ${fraction * 100}% of the list ${n} rows are in the DOM`);
  }
  const lastKey = await page.$$eval(".row", (rs) => rs[rs.length - 1].dataset.key);
  const expected = await page.evaluate(() => {
    const h = window.vqDashboard.filtered[window.vqDashboard.filtered.length - 1];
    return h.site + "/" + h.host;
  });
  check(lastKey === expected, "the bottom of the list shows the last host: " + lastKey);
  console.log("scroll frames (ms): " + frames.map((f) => f.toFixed(1)).join(" "));
  await page.$eval("#viewport", (v) => { v.scrollTop = 0; });
  await page.type("#search", "node4242");
  await page.waitForFunction(() => document.querySelector("#host-count").textContent === "1 of 10000",
    {timeout: 5000});
  const found = await page.$$eval(".row", (rs) => rs.map((r) => r.dataset.key));
  check(found.length === 1 && found[0] === "bench/node4242", "search by name finds the host: " + found);
  await page.$eval("#search", (s) => { s.value = ""; });
  await page.type("#search", "10.64.16.");
  await page.waitForFunction(() => !document.querySelector("#host-count").textContent.startsWith("10000"),
    {timeout: 5000});
  check(true, "search by address narrows the list: " + await page.$eval("#host-count", (c) => c.textContent));
  await page.$eval("#search", (s) => { s.value = ""; s.dispatchEvent(new Event("input")); });
  await page.screenshot({path: out + "/dashboard-10k.png"});
}

const browser = await puppeteer.launch({
  executablePath: env("VQ_CHROMIUM"),
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
let failed = false;
try {
  const page = await browser.newPage();
  await page.setViewport({width: 1400, height: 900});
  page.on("pageerror", (e) => console.log("page error: " + e.message));
  if (scenario === "lab") await lab(page);
  else if (scenario === "big") await big(page);
  else throw new Error("scenario: lab or big");
} catch (e) {
  console.error(e.message);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
