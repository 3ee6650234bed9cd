// The Vaquero dashboard: one page over the User API. Views (by URL hash):
//   #/                      sites, workflows (rollout progress, halted or blocked) and hosts
//   #/host/<site>/<host>    one host: boot timeline, events, transitions, actions
// Data comes from GET /ui/hosts, /plan, /hosts/<site>/<host>[/events]; live changes arrive
// as Server-Sent Events on /ui/events, read with fetch so the bearer token can be sent.
"use strict";

const ROW_HEIGHT = 30;  // px, as --row in style.css
const OVERSCAN = 8;     // rows drawn above and below the visible ones

const state = {
  token: sessionStorage.getItem("vq-token") || "",
  hosts: [],          // from /ui/hosts
  byKey: new Map(),   // "site/host" -> host
  sites: [],
  plan: null,
  filtered: [],
  query: "",
  site: "",
  host: null,         // the open host page: {site, host, events, transitions}
  firstRenderMs: null,
};
window.vqDashboard = state;  // read by the browser test

const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g,
  (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));

// ---- API ----

function authHeaders() {
  return state.token ? {Authorization: "Bearer " + state.token} : {};
}

async function api(path, options = {}) {
  const res = await fetch(path, {...options, headers: {...authHeaders(), ...(options.headers || {})}});
  if (res.status === 401) {
    showBanner("The User API asks for a token: enter it above.");
    throw new Error("401 Unauthorized");
  }
  return res;
}

async function getJson(path) {
  const res = await api(path);
  if (!res.ok) throw new Error(path + ": " + res.status + " " + (await res.text()).trim());
  return res.json();
}

function showBanner(text) {
  const b = $("#banner");
  b.textContent = text;
  b.hidden = !text;
}

let toastTimer = null;
function toast(text, error = false) {
  const t = $("#toast");
  t.textContent = text;
  t.className = error ? "error" : "";
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 5000);
}

// ---- data ----

async function loadHosts() {
  const data = await getJson("/ui/hosts");
  state.hosts = data.hosts;
  state.sites = data.sites;
  state.byKey = new Map(state.hosts.map((h) => [h.site + "/" + h.host, h]));
  for (const h of state.hosts) {
    h.search = [h.site, h.host, h.workflow, ...h.macs, ...h.ips].join(" ").toLowerCase();
  }
}

async function loadPlan() {
  try {
    state.plan = await getJson("/plan");
    $("#revision").textContent = "revision " + state.plan.revision;
  } catch (e) {
    state.plan = null;  // a server without a state engine has no plan
  }
}

async function loadHost(site, host) {
  const path = encodeURIComponent(site) + "/" + encodeURIComponent(host);
  const [t, e] = await Promise.all([getJson("/hosts/" + path), getJson("/hosts/" + path + "/events")]);
  state.host = {site, host, transitions: t.transitions, events: e.events};
}

// ---- overview ----

const PHASE_COLORS = {provisioned: "#16a34a", failed: "#dc2626", pending: "#f59e0b",
  awaiting_reboot: "#f59e0b", shutting_down: "#60a5fa", rebooting: "#3b82f6",
  booting: "#2563eb", validating: "#1d4ed8"};

function progressBar(phases) {
  const total = Object.values(phases).reduce((a, b) => a + b, 0) || 1;
  return '<div class="bar" title="' + esc(Object.entries(phases).map(([k, v]) => k + " " + v).join(", ")) + '">' +
    Object.entries(phases).map(([k, v]) =>
      '<span style="width:' + (100 * v / total) + "%;background:" + (PHASE_COLORS[k] || "#9ca3af") + '"></span>').join("") +
    "</div>";
}

function renderOverview() {
  const wf = state.plan ? state.plan.workflows : [];
  const bySite = new Map();
  for (const h of state.hosts) {
    const c = bySite.get(h.site) || {total: 0, provisioned: 0, failed: 0};
    c.total++;
    if (h.phase === "provisioned") c.provisioned++;
    if (h.phase === "failed") c.failed++;
    bySite.set(h.site, c);
  }
  $("#main").innerHTML =
    "<h2>Sites</h2><div class=\"cards\">" + state.sites.map((s) => {
      const c = bySite.get(s.id) || {total: 0, provisioned: 0, failed: 0};
      return '<div class="card site" data-site="' + esc(s.id) + '"><span class="muted">' + esc(s.name) +
        "</span><b>" + c.total + " hosts</b>" + c.provisioned + " provisioned, " + c.failed + " failed</div>";
    }).join("") + "</div>" +
    "<h2>Workflows</h2><table id=\"workflows\"><thead><tr><th>Site</th><th>Workflow</th><th>Rollout</th>" +
    "<th>Hosts per phase</th><th>Status</th><th></th></tr></thead><tbody>" +
    wf.map((w) => {
      const status = w.halted ? '<span class="phase failed">halted</span>'
        : w.blocked ? '<span class="phase pending">blocked: ' + esc(w.blocked) + "</span>"
        : '<span class="phase provisioned">running</span>';
      const phases = Object.entries(w.phases).map(([k, v]) => esc(k) + " " + v).join(", ");
      return "<tr><td>" + esc(w.site) + "</td><td>" + esc(w.workflow) + "</td><td>" + progressBar(w.phases) +
        "</td><td>" + phases + (w.pending.length ? '<br><span class="muted">next: ' +
        esc(w.pending.slice(0, 5).join(", ")) + "</span>" : "") + "</td><td>" + status + "</td><td>" +
        '<button data-action="' + (w.halted ? "resume" : "halt") + '" data-site="' + esc(w.site) +
        '" data-workflow="' + esc(w.workflow) + '">' + (w.halted ? "Resume" : "Halt") + "</button></td></tr>";
    }).join("") + "</tbody></table>" +
    "<h2>Hosts <span id=\"host-count\" class=\"muted\"></span></h2>" +
    '<div class="toolbar"><input id="search" type="search" placeholder="Search by name, MAC or IP" value="' +
    esc(state.query) + '"><select id="site-filter"><option value="">all sites</option>' +
    state.sites.map((s) => '<option value="' + esc(s.id) + '"' + (s.id === state.site ? " selected" : "") + ">" +
      esc(s.name) + "</option>").join("") + "</select></div>" +
    '<div class="grid-head"><div>Site</div><div>Host</div><div>Workflow</div><div>Phase</div><div>Rev.</div>' +
    "<div>Stage</div><div>Last event</div><div>MAC / IP</div></div>" +
    '<div id="viewport"><div id="spacer"></div></div>';
  $("#search").addEventListener("input", (e) => { state.query = e.target.value; applyFilter(); });
  $("#site-filter").addEventListener("change", (e) => { state.site = e.target.value; applyFilter(); });
  $("#viewport").addEventListener("scroll", renderRows, {passive: true});
  for (const b of document.querySelectorAll("#workflows button[data-action]")) {
    b.addEventListener("click", () => workflowAction(b.dataset.action, b.dataset.site, b.dataset.workflow));
  }
  for (const c of document.querySelectorAll(".card.site")) {
    c.addEventListener("click", () => { state.site = c.dataset.site; renderOverview(); });
  }
  applyFilter();
}

function applyFilter() {
  const q = state.query.trim().toLowerCase();
  state.filtered = state.hosts.filter((h) => (!state.site || h.site === state.site) && (!q || h.search.includes(q)));
  const count = $("#host-count");
  if (count) count.textContent = state.filtered.length + " of " + state.hosts.length;
  const spacer = $("#spacer");
  if (spacer) spacer.style.height = state.filtered.length * ROW_HEIGHT + "px";
  renderRows();
}

function lastEventText(h) {
  if (!h.last) return "";
  return h.last.kind + " " + new Date(h.last.ms).toLocaleTimeString();
}

// Only the rows in view (and a few around them) exist in the DOM: 10,000 hosts scroll like 50.
function renderRows() {
  const vp = $("#viewport");
  if (!vp) return;
  const first = Math.max(0, Math.floor(vp.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(state.filtered.length, Math.ceil((vp.scrollTop + vp.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  let html = "";
  for (let i = first; i < last; i++) {
    const h = state.filtered[i];
    const href = "#/host/" + encodeURIComponent(h.site) + "/" + encodeURIComponent(h.host);
    html += '<a class="row" data-key="' + esc(h.site + "/" + h.host) + '" href="' + href + '" style="top:' +
      i * ROW_HEIGHT + 'px"><div>' + esc(h.site) + "</div><div>" + esc(h.host) + "</div><div>" +
      esc(h.workflow) + '</div><div><span class="phase ' + esc(h.phase || "") + '">' + esc(h.phase || "-") +
      "</span></div><div>" + esc(h.revision ?? "") + "</div><div>" + esc(h.stage ?? "") + "</div><div>" +
      esc(lastEventText(h)) + "</div><div>" + esc([h.macs[0], h.ips[0]].filter(Boolean).join(" ")) + "</div></a>";
  }
  $("#spacer").innerHTML = html;
}

async function workflowAction(action, site, workflow) {
  const ok = await confirmAction((action === "halt" ? "Halt" : "Resume") + " the rollout of workflow " +
    workflow + " on site " + site + "?");
  if (!ok) return;
  await post("/" + action + "?site=" + encodeURIComponent(site) + "&workflow=" + encodeURIComponent(workflow));
  await refresh();
}

// ---- host page ----

// The boot of a machine as steps; each event kind belongs to one.
const STEPS = ["power", "dhcp", "tftp", "ipxe", "kernel", "config", "checkpoint"];
function stepOf(kind, detail) {
  if (kind.startsWith("POWER") || (kind === "HOST_STATE" && /to=rebooting/.test(detail || ""))) return "power";
  if (kind.startsWith("DHCP")) return "dhcp";
  if (kind.startsWith("TFTP")) return "tftp";
  if (kind === "HTTP_IPXE" || kind === "HTTP_BOOT_IPXE") return "ipxe";
  if (kind === "HTTP_FILE") return "kernel";
  if (kind === "HTTP_CONFIG") return "config";
  if (kind === "HTTP_CHECKPOINT") return "checkpoint";
  return null;
}

// The last boot: from the last power action or first DHCP after the previous checkpoint, the
// time each step started and how long until the next one did.
function lastBoot(events) {
  const steps = events.map((e) => ({step: stepOf(e.kind, e.detail), ms: e.ms, kind: e.kind}))
    .filter((s) => s.step);
  let start = 0;
  for (let i = steps.length - 1; i > 0; i--) {
    if (steps[i].step === "power" || (steps[i - 1].step === "checkpoint" && steps[i].step !== "checkpoint")) {
      start = i;
      break;
    }
  }
  const seen = new Map();
  for (const s of steps.slice(start)) if (!seen.has(s.step)) seen.set(s.step, s);
  return STEPS.filter((s) => seen.has(s)).map((s) => seen.get(s));
}

// The state engine's reboots (transitions to rebooting) are the power step of a boot. Each
// list comes in the order things happened (the server keeps events as they arrive), so the
// two are merged, never sorted: times decide only where one list falls between entries of
// the other, and an agent whose wall clock jumped back cannot reorder its own boot.
function withPowerSteps(events, transitions) {
  const power = transitions.filter((t) => t.to === "rebooting")
    .map((t) => ({kind: "POWER_REBOOT", detail: t.reason, ms: Date.parse(t.time)}));
  const out = [];
  let i = 0, j = 0;
  while (i < events.length || j < power.length) {
    if (j >= power.length || (i < events.length && !(power[j].ms < events[i].ms))) out.push(events[i++]);
    else out.push(power[j++]);
  }
  return out;
}

function fmtDuration(ms) {
  if (ms < 1000) return ms + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
  return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
}

function timelineSvg(events) {
  const boot = lastBoot(events);
  const width = 1000, height = 110, left = 20, right = 100;  // room for the last label
  if (!boot.length) {
    return '<svg class="timeline" viewBox="0 0 ' + width + ' 50"><text x="20" y="30" fill="#6b7280">' +
      "No boot events yet.</text></svg>";
  }
  // A step's time is until the next one started; never negative (a clock that jumped back).
  const durs = boot.map((s, i) => (i + 1 < boot.length ? Math.max(0, boot[i + 1].ms - s.ms) : 0));
  const span = Math.max(1, durs.reduce((a, b) => a + b, 0));
  // Each step gets a minimum share so that a 2 ms step stays readable next to a 5 min one.
  const min = (width - left - right) / (STEPS.length * 4);
  const free = width - left - right - min * boot.length;
  let x = left;
  let out = '<svg class="timeline" viewBox="0 0 ' + width + " " + height + '" role="img" aria-label="boot timeline">';
  boot.forEach((s, i) => {
    const next = boot[i + 1];
    const dur = durs[i];
    const w = min + (next ? free * dur / span : 0);
    const color = ["#6b7280", "#0891b2", "#7c3aed", "#2563eb", "#ea580c", "#ca8a04", "#16a34a"][STEPS.indexOf(s.step)];
    out += '<g class="step" data-step="' + s.step + '"><rect x="' + x + '" y="30" width="' + Math.max(4, w - 4) +
      '" height="34" rx="4" fill="' + color + '"><title>' + esc(s.kind) + " at " +
      esc(new Date(s.ms).toISOString()) + "</title></rect>" +
      '<text x="' + (x + 4) + '" y="22" fill="#1d2330">' + s.step + "</text>" +
      '<text x="' + (x + 4) + '" y="82" fill="#6b7280">' + (next ? fmtDuration(dur) : "") + "</text></g>";
    x += w;
  });
  out += '<text x="' + left + '" y="102" fill="#6b7280">total ' + fmtDuration(span) + "</text></svg>";
  return out;
}

function renderHost() {
  const hs = state.host;
  const h = state.byKey.get(hs.site + "/" + hs.host) || {macs: [], ips: []};
  $("#main").innerHTML =
    '<p><a href="#/">&larr; all hosts</a></p><div class="host-head"><h2 id="host-name">' + esc(hs.site) + " / " +
    esc(hs.host) + '</h2><span class="phase ' + esc(h.phase || "") + '" id="host-phase">' + esc(h.phase || "-") +
    '</span><span class="muted">workflow ' + esc(h.workflow) + ", stage " + esc(h.stage ?? "-") +
    (h.boot ? " (" + esc(h.boot) + ")" : "") + ", revision " + esc(h.revision ?? "-") + " &middot; " +
    esc(h.macs.join(", ")) + " " + esc(h.ips.join(", ")) + "</span></div>" +
    '<div class="actions"><button id="reprovision" class="danger">Reprovision</button>' +
    '<input id="override-boot" placeholder="boot id"><button id="override">Override current boot</button></div>' +
    "<h2>Last boot</h2>" + timelineSvg(withPowerSteps(hs.events, hs.transitions)) +
    '<h2>Events</h2><table id="events"><thead><tr><th>Time</th><th>Kind</th><th>Detail</th></tr></thead><tbody>' +
    hs.events.slice().reverse().slice(0, 50).map((e) => "<tr><td>" + esc(e.time) + "</td><td>" + esc(e.kind) +
      "</td><td>" + esc(e.detail) + "</td></tr>").join("") + "</tbody></table>" +
    '<h2>Transitions</h2><table id="transitions"><thead><tr><th>Time</th><th>From</th><th>To</th><th>Stage</th>' +
    "<th>Revision</th><th>Reason</th></tr></thead><tbody>" +
    hs.transitions.slice().reverse().map((t) => "<tr><td>" + esc(t.time) + "</td><td>" + esc(t.from) + "</td><td>" +
      esc(t.to) + "</td><td>" + esc(t.stage) + "</td><td>" + esc(t.revision) + "</td><td>" + esc(t.reason) +
      "</td></tr>").join("") + "</tbody></table>" + planOfHost(h);
  $("#reprovision").addEventListener("click", async () => {
    if (!(await confirmAction("Reprovision " + hs.host + "? It will be rebooted and reinstalled."))) return;
    await post("/reprovision?site=" + encodeURIComponent(hs.site) + "&host=" + encodeURIComponent(hs.host));
    await refresh();
  });
  $("#override").addEventListener("click", async () => {
    const boot = $("#override-boot").value.trim();
    if (!boot) return toast("Enter the boot id to serve next.", true);
    if (!(await confirmAction("Set the current boot of " + hs.host + " to " + boot + "?"))) return;
    await post("/override?site=" + encodeURIComponent(hs.site) + "&host=" + encodeURIComponent(hs.host) +
      "&boot=" + encodeURIComponent(boot));
    await refresh();
  });
}

// The host's workflow in the plan of the current revision.
function planOfHost(h) {
  const w = state.plan && state.plan.workflows.find((x) => x.site === h.site && x.workflow === h.workflow);
  if (!w) return "";
  const place = w.pending.indexOf(h.host);
  return "<h2>Plan (revision " + esc(state.plan.revision) + ")</h2><p>Workflow " + esc(w.workflow) + ": " +
    (w.halted ? "halted" : w.blocked ? "blocked: " + esc(w.blocked) : "rolling out") + ", " +
    w.in_flight + " in flight. " + (place >= 0 ? "This host is pending, number " + (place + 1) + " in line."
      : "This host is not waiting.") + "</p>";
}

// ---- actions ----

function confirmAction(text) {
  const d = $("#confirm");
  $("#confirm-text").textContent = text;
  d.returnValue = "";
  d.showModal();
  return new Promise((resolve) => d.addEventListener("close", () => resolve(d.returnValue === "ok"), {once: true}));
}

async function post(path) {
  try {
    const res = await api(path, {method: "POST"});
    const text = (await res.text()).trim();
    toast(res.ok ? text : res.status + ": " + text, !res.ok);
    return res.ok;
  } catch (e) {
    toast(e.message, true);
    return false;
  }
}

// ---- live updates ----

let refreshTimer = null;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 300);
}

function onMessage(m) {
  if (m.type === "event") {
    const h = state.byKey.get(m.site + "/" + m.host);
    if (h) h.last = m;
    if (state.host && state.host.site === m.site && state.host.host === m.host) {
      state.host.events.push(m);
      renderHost();
    } else if (!state.host) {
      renderRows();
    }
    if (m.kind === "HTTP_CHECKPOINT") scheduleRefresh();
  } else {
    scheduleRefresh();  // checkpoints, transitions, a reset: the states changed
  }
}

async function streamEvents() {
  const live = $("#live");
  for (;;) {
    try {
      const res = await api("/ui/events");
      if (!res.ok || !res.body) throw new Error("stream refused: " + res.status);
      live.textContent = "live";
      live.className = "live on";
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        buf += value;
        let end;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = frame.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (data) {
            try { onMessage(JSON.parse(data)); } catch (e) { console.warn("bad event", e); }
          }
        }
      }
    } catch (e) {
      console.warn(e);
    }
    live.textContent = "offline";
    live.className = "live off";
    await new Promise((r) => setTimeout(r, 2000));
    scheduleRefresh();  // what happened while away
  }
}

// ---- routing ----

async function refresh() {
  try {
    await Promise.all([loadHosts(), loadPlan()]);
    const m = location.hash.match(/^#\/host\/([^/]+)\/(.+)$/);
    if (m) {
      await loadHost(decodeURIComponent(m[1]), decodeURIComponent(m[2]));
      renderHost();
    } else {
      state.host = null;
      if ($("#viewport")) {
        // Redrawn in place: keep the scroll position and the search field's focus.
        const top = $("#viewport").scrollTop;
        const typing = document.activeElement && document.activeElement.id === "search";
        renderOverview();
        $("#viewport").scrollTop = top;
        renderRows();
        if (typing) $("#search").focus();
      } else {
        renderOverview();
      }
    }
    showBanner("");
  } catch (e) {
    if (!/401/.test(e.message)) showBanner(e.message);
  }
}

function onRoute() {
  state.host = null;
  $("#main").innerHTML = "";
  refresh();
}

$("#token").value = state.token;
$("#token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  state.token = $("#token").value.trim();
  sessionStorage.setItem("vq-token", state.token);
  toast(state.token ? "Token set." : "Token cleared.");
  refresh();
});
window.addEventListener("hashchange", onRoute);
refresh().then(() => {
  // Since navigation started: the page, the host list and the first frame drawn with them
  // (the second animation frame starts once the first one was painted).
  requestAnimationFrame(() => requestAnimationFrame(() => {
    state.firstRenderMs = performance.now();
    document.body.dataset.firstRenderMs = state.firstRenderMs.toFixed(1);
  }));
});
streamEvents();
