// The sandbox's live dashboard. Plain browser JavaScript, no libraries: it ships inside the
// package and must work offline. Every value from the sandbox reaches the page as text
// (textContent), never as markup: bodies in the journal are whatever a connector sent.
"use strict";

const POLL_MS = 1000;
const PAGE = 200; // journal entries fetched per poll at most
const KEEP = 500; // journal entries the page keeps; older ones leave the view

const view = {
  since: 0, // the last journal sequence number the page has
  entries: [], // the newest KEEP entries, oldest first
  operations: new Set(),
  openJob: null, // the job whose items are shown
  openEntries: new Set(), // the exchanges the user opened, kept open across redraws
  shown: {}, // what each section last drew, to redraw only on change
  polling: false,
};

// ---- small DOM helpers -------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

function byId(id) {
  return document.getElementById(id);
}

// Replace a section's content only when what it shows changed, keeping keyboard focus on the
// control that had it (a redraw every second would otherwise throw the user out).
function draw(id, signature, build) {
  if (view.shown[id] === signature) return;
  view.shown[id] = signature;
  const focused = document.activeElement && document.activeElement.dataset.key;
  byId(id).replaceChildren(...[build()].flat());
  if (focused) {
    const again = document.querySelector(`[data-key="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

// A real button (keyboard and screen readers know it); `key` keeps its focus across redraws.
function button(key, label, onclick) {
  return el("button", { type: "button", "data-key": key, onclick }, label);
}

function table(headings, rows) {
  if (!rows.length) return el("p", { class: "empty" }, "None.");
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c))))),
  );
}

function shortId(id) {
  return id ? id.slice(0, 8) : "";
}

function pretty(body) {
  if (body === null || body === undefined || body === "") return "(no body)";
  return typeof body === "string" ? body : JSON.stringify(body, null, 2);
}

// ---- talking to the control plane -------------------------------------------------------

async function api(method, path, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const why = data && data.message ? `${data.type}: ${data.message}` : response.statusText;
    throw new Error(`${method} ${path} answered ${response.status}: ${why}`);
  }
  return data;
}

function say(text, failed) {
  const message = byId("message");
  message.textContent = text;
  message.className = failed ? "bad" : "good";
}

// A control: run it, say what happened, and refresh the views at once.
async function act(what, run) {
  try {
    const said = await run();
    say(said || `${what}: done.`, false);
  } catch (problem) {
    say(`${what} failed: ${problem.message}`, true);
  }
  await poll();
}

// ---- the sections ------------------------------------------------------------------------

function drawState(state) {
  byId("now").textContent = state.now;
  const jobs = state.companies.flatMap((c) => c.jobs.map((job) => ({ ...job, company: c.name })));
  draw("companies", JSON.stringify(state.companies.map((c) => [c.id, c.queue, c.exported])), () =>
    table(
      ["company", "export queue", "exported", ""],
      state.companies.map((c) => [
        el("span", { title: c.id }, c.name),
        el("span", { title: c.queue.join("\n") }, `${c.queue.length} entries`),
        el("span", { title: c.exported.join("\n") }, `${c.exported.length} entries`),
        button(`export-${c.id}`, `Press Export for ${c.name}`, () =>
          act("Press Export", () => pressExport(c.id, c.name)),
        ),
      ]),
    ),
  );
  const steady = jobs.map((j) => ({ ...j, expiresIn: undefined }));
  draw("jobs", JSON.stringify(steady), () => jobTable(jobs));
  if (view.openJob) showJob(view.openJob, false);
}

async function pressExport(companyId, name) {
  const job = await api("POST", `/_mock/companies/${encodeURIComponent(companyId)}/export`, {});
  return `Pressed Export for ${name}: job ${job.data.id} is pending.`;
}

function jobTable(jobs) {
  return table(
    ["job", "company", "status", "items", "created", "last change", ""],
    jobs.map((job) => [
      el("code", { title: job.id }, shortId(job.id)),
      job.company,
      el("span", { class: `status ${job.status}` }, job.status),
      Object.entries(job.itemCounts).map(([status, n]) => `${n} ${status}`).join(", ") || "none",
      job.createdAt,
      job.completedAt || job.lastUpdatedAt || job.startedAt || "",
      el(
        "span",
        { class: "buttons" },
        button(`items-${job.id}`, "Items and timeline", () => showJob(job.id, true)),
        button(`fire-${job.id}`, "Fire webhook", () =>
          act("Fire webhook", () => fireWebhook(job.id)),
        ),
      ),
    ]),
  );
}

async function fireWebhook(jobId) {
  const fired = await api("POST", "/_mock/webhooks/fire", { jobId });
  return `Webhook ${fired.data.webhookId} queued for ${fired.data.subscriptions} subscription(s).`;
}

async function showJob(jobId, focus) {
  view.openJob = jobId;
  let found;
  try {
    found = await api("GET", `/_mock/jobs/${encodeURIComponent(jobId)}`);
  } catch (problem) {
    view.openJob = null; // gone with a reset or a new scenario
    byId("job-detail").hidden = true;
    return;
  }
  const job = found.data;
  const detail = byId("job-detail");
  detail.hidden = false;
  const calls = view.entries.filter((e) => entryJob(e) === jobId);
  draw("job-detail", JSON.stringify([found, calls.length]), () => [
    el("h3", { tabindex: "-1", id: "job-detail-title" }, `Job ${job.id}: ${job.status}`),
    el("h4", {}, "Timeline"),
    el("ol", { class: "timeline" }, timeline(job, calls)),
    el("h4", {}, `Items (${found.items.length})`),
    table(
      ["accounting entry", "status", "outcome"],
      found.items.map((item) => [
        el("code", {}, item.accountingEntryId),
        el("span", { class: `status ${item.status}` }, item.status),
        item.failureReason
          ? `${item.failureReasonType || "failed"}: ${item.failureReason}`
          : item.externalId || item.exportedAt || "",
      ]),
    ),
  ]);
  if (focus) byId("job-detail-title").focus();
}

// What happened to a job: its own times, and the connector's calls about it in the journal.
function timeline(job, calls) {
  const moments = [
    [job.createdAt, "created (pending)"],
    [job.startedAt, "started (in_progress)"],
    [job.completedAt, `finished: ${job.status}`],
    [job.expiredAt, "expired"],
  ].filter(([at]) => at);
  for (const call of calls) {
    moments.push([call.sandboxTime, `#${call.seq} ${call.method} ${call.path} -> ${call.status}`]);
  }
  moments.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return moments.map(([at, what]) => el("li", {}, el("time", {}, at), " ", what));
}

function entryJob(entry) {
  const match = /export-jobs\/([0-9a-f-]{36})/.exec(entry.path);
  if (match) return match[1];
  const body = entry.requestBody;
  if (body && typeof body === "object" && typeof body.jobId === "string") return body.jobId;
  const query = entry.query && entry.query.job_id;
  return query ? query[0] : null;
}

// ---- the journal -------------------------------------------------------------------------

async function pollJournal() {
  const page = await api("GET", `/_mock/journal?since=${view.since}&limit=${PAGE}`);
  if (page.latest < view.since) {
    forgetJournal(); // a reset or a new scenario: numbering starts again, and so does the view
    return pollJournal();
  }
  if (!page.data.length) return false;
  view.entries = view.entries.concat(page.data).slice(-KEEP);
  view.since = page.data[page.data.length - 1].seq;
  for (const entry of page.data) if (entry.operationId) view.operations.add(entry.operationId);
  return true;
}

function forgetJournal() {
  view.since = 0;
  view.entries = [];
  view.openEntries.clear();
  view.shown.journal = view.shown.deliveries = null;
}

function journalFilter() {
  const form = byId("journal-filter");
  return {
    operation: form.operation.value.trim(),
    job: form.job.value.trim(),
    status: form.status.value,
  };
}

function passes(entry, filter) {
  if (filter.operation && entry.operationId !== filter.operation) return false;
  if (filter.job && !(entryJob(entry) || "").startsWith(filter.job)) return false;
  if (filter.status === "0") return entry.status === 0;
  return !filter.status || String(entry.status).startsWith(filter.status);
}

function drawJournal() {
  const filter = journalFilter();
  const inbound = view.entries.filter((e) => e.direction !== "outbound");
  const shown = inbound.filter((e) => passes(e, filter));
  const signature = JSON.stringify([view.since, filter, view.entries.length]);
  byId("journal-count").textContent =
    `${shown.length} of the last ${inbound.length} exchanges shown (newest first); ` +
    `${view.since} since the last reset.`;
  draw("journal", signature, () => shown.slice().reverse().map(exchange));
  const outbound = view.entries.filter((e) => e.direction === "outbound");
  draw("deliveries", JSON.stringify([view.since, outbound.length]), () =>
    outbound.length ? outbound.slice().reverse().map(exchange) : el("li", {}, "None yet."),
  );
  const names = [...view.operations].sort();
  draw("operation-names", names.join(), () => names.map((n) => el("option", { value: n })));
}

// One exchange: a line that opens to the request and the response.
function exchange(entry) {
  const verdictClass = entry.status >= 200 && entry.status < 300 ? "ok" : "not-ok";
  const summary = el(
    "summary",
    { "data-key": `seq-${entry.seq}` },
    el("span", { class: "seq" }, `#${entry.seq}`),
    " ",
    el("b", {}, entry.method),
    " ",
    el("code", {}, entry.path),
    " ",
    el("span", { class: `code ${verdictClass}` }, entry.status || "no answer"),
    " ",
    el("span", { class: "op" }, entry.operationId || "no route"),
    entry.fault ? el("span", { class: "fault" }, `fault: ${entry.fault}`) : null,
  );
  return el(
    "li",
    { id: `entry-${entry.seq}` },
    el(
      "details",
      {
        open: view.openEntries.has(entry.seq) ? "" : null,
        ontoggle: (event) => {
          if (event.target.open) view.openEntries.add(entry.seq);
          else view.openEntries.delete(entry.seq);
        },
      },
      summary,
      el("p", {}, `sandbox time ${entry.sandboxTime}, ${entry.durationMs} ms`),
      entry.violations.length ? el("p", { class: "bad" }, entry.violations.join("; ")) : null,
      el("h4", {}, "Request"),
      el("pre", {}, headersText(entry.requestHeaders), "\n\n", pretty(entry.requestBody)),
      el("h4", {}, "Response"),
      el("pre", {}, headersText(entry.responseHeaders), "\n\n", pretty(entry.responseBody)),
    ),
  );
}

function headersText(headers) {
  return Object.entries(headers || {})
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");
}

// ---- faults, grants, verdict -------------------------------------------------------------

function drawFaults(api_, webhook) {
  draw("faults", JSON.stringify([api_, webhook]), () => [
    el("h3", {}, "On the Export API"),
    table(
      ["rule", "matched", "fired"],
      api_.data.map((f) => [el("code", {}, JSON.stringify(f.rule)), f.matched, f.fired]),
    ),
    el("h3", {}, "On webhook deliveries"),
    table(
      ["rule", "used"],
      webhook.data.map((f) => {
        const { used, ...rule } = f;
        return [el("code", {}, JSON.stringify(rule)), used];
      }),
    ),
  ]);
}

function drawGrants(grants) {
  draw("grants", JSON.stringify(grants), () =>
    table(
      ["grant", "client", "companies", ""],
      grants.data.map((g) => [
        el("code", {}, g.id),
        g.clientId,
        g.companyIds.map(shortId).join(", "),
        g.revoked ? "revoked" : button(`expire-${g.id}`, "Expire its tokens", () => expire(g.id)),
      ]),
    ),
  );
}

function expire(grantId) {
  return act("Expire tokens", async () => {
    await api("POST", `/_mock/oauth/grants/${encodeURIComponent(grantId)}/expire`);
    return `Every access token of grant ${grantId} has expired.`;
  });
}

async function judge() {
  try {
    const verdict = await api("GET", "/_mock/verdict");
    const errors = verdict.findings.filter((f) => f.severity === "error").length;
    const line = byId("verdict-line");
    line.textContent =
      `${verdict.ok ? "PASS" : "FAIL"}: ${errors} error(s), ` +
      `${verdict.findings.length - errors} warning(s), ${verdict.rulesChecked.length} rules checked`;
    line.className = verdict.ok ? "good" : "bad";
    byId("findings").replaceChildren(...verdict.findings.map(finding));
  } catch (problem) {
    say(`Judging failed: ${problem.message}`, true);
  }
}

function finding(f) {
  return el(
    "li",
    { class: f.severity },
    el("b", {}, `${f.severity.toUpperCase()} ${f.rule}`),
    `: ${f.title}. ${f.message} `,
    el("i", {}, `Expected: ${f.expected}`),
    " ",
    f.evidence.map((seq) =>
      el("a", { href: `#entry-${seq}`, onclick: () => openEntry(seq) }, `#${seq} `),
    ),
  );
}

function openEntry(seq) {
  view.openEntries.add(seq);
  const entry = byId(`entry-${seq}`);
  if (entry) entry.querySelector("details").open = true;
}

// ---- the loop ----------------------------------------------------------------------------

async function poll() {
  if (view.polling) return;
  view.polling = true;
  try {
    const [state, faults, webhookFaults, grants] = await Promise.all([
      api("GET", "/_mock/state"),
      api("GET", "/_mock/faults"),
      api("GET", "/_mock/webhooks/faults"),
      api("GET", "/_mock/oauth/grants"),
    ]);
    await pollJournal();
    drawState(state);
    drawJournal();
    drawFaults(faults, webhookFaults);
    drawGrants(grants);
    const live = byId("live");
    live.textContent = "live";
    live.className = "live on";
  } catch (problem) {
    const live = byId("live");
    live.textContent = `not live: ${problem.message}`;
    live.className = "live off";
  } finally {
    view.polling = false;
  }
}

function wire() {
  byId("advance-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const seconds = Number(byId("advance-seconds").value);
    act("Advance clock", async () => {
      const clock = await api("POST", "/_mock/clock/advance", { seconds });
      return `The sandbox clock now says ${clock.now}.`;
    });
  });
  byId("scenario-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { name: byId("scenario-input").value.trim() };
    const seed = byId("scenario-seed-input").value;
    if (seed !== "") body.seed = Number(seed);
    act("Load scenario", async () => showScenario(await api("POST", "/_mock/scenario", body)));
  });
  byId("reset-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act("Reset", async () => showScenario(await api("POST", "/_mock/reset")));
  });
  byId("fault-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act("Add faults", async () => {
      let faults;
      try {
        faults = JSON.parse(byId("fault-rules").value);
      } catch (problem) {
        throw new Error(`the rules are not JSON: ${problem.message}`);
      }
      const now = await api("POST", "/_mock/faults", { faults });
      return `${now.data.length} fault rule(s) in force.`;
    });
  });
  byId("clear-faults").addEventListener("click", () =>
    act("Clear faults", async () => {
      await api("DELETE", "/_mock/faults");
      await api("DELETE", "/_mock/webhooks/faults");
      return "No fault rules in force.";
    }),
  );
  byId("judge").addEventListener("click", judge);
  byId("journal-filter").addEventListener("input", drawJournal);
  byId("journal-filter").addEventListener("submit", (event) => event.preventDefault());
}

function showScenario(summary) {
  byId("scenario-name").textContent = summary.scenario;
  byId("scenario-seed").textContent = summary.seed;
  byId("scenario-description").textContent = summary.description || "";
  view.openJob = null;
  byId("job-detail").hidden = true;
  forgetJournal();
  return `Scenario ${summary.scenario} (seed ${summary.seed}) at its first moment.`;
}

wire();
poll();
setInterval(poll, POLL_MS);
