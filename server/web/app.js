// sarafw-server's web page: campaigns, groups, devices, progress and
// reports from the REST API (docs/server-api.md), with the token the user
// enters kept in sessionStorage (gone when the tab closes). Every value
// from the server goes into the page as text, never as HTML.
"use strict";

const KEY = "sarafw.token";
const REFRESH_MS = 2000;
// who may do what (docs/server-api.md, Roles); admin may do everything
const MAY = {
  "approve": ["approver", "admin"],
  "accept-test": ["approver", "admin"],
  "resume": ["operator", "admin"],
  "cancel": ["operator", "admin"],
  "cancel?force=1": ["operator", "admin"],
};
// in which campaign states an action is allowed (server/campaign.c)
const WHEN = {
  "approve": ["draft"],
  "accept-test": ["test_done"],
  "resume": ["paused"],
  "cancel": ["draft", "running", "test_done", "paused"],
  "cancel?force=1": ["draft", "running", "test_done", "paused", "cancelling"],
};

let role = null;
let selected = null; // campaign id shown
let timer = null;

const $ = (id) => document.getElementById(id);

function status(text, isError) {
  $("status").textContent = text || "";
  $("status").className = isError ? "error" : "";
}

class ApiError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

async function api(method, path) {
  const token = sessionStorage.getItem(KEY);
  const r = await fetch("/api/v1/" + path, {
    method, headers: { "Authorization": "Bearer " + token }, cache: "no-store",
  });
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) {
    const why = body && body.error ? body.error : r.statusText;
    if (r.status === 401) throw new ApiError(401, "The server does not know this token (401): enter a valid one.");
    if (r.status === 403) throw new ApiError(403, "This token's role (" + role + ") may not do that (403).");
    throw new ApiError(r.status, why + " (" + r.status + ")");
  }
  return body;
}

function cell(tr, text, cls) {
  const td = document.createElement("td");
  if (cls) {
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    td.appendChild(span);
  } else {
    td.textContent = text === undefined || text === null ? "" : String(text);
  }
  tr.appendChild(td);
  return td;
}

function fill(table, rows, makeRow) {
  const tbody = $(table).querySelector("tbody");
  const fresh = document.createElement("tbody");
  rows.forEach((r) => fresh.appendChild(makeRow(r)));
  tbody.replaceWith(fresh);
}

function stateCell(tr, s) { cell(tr, s, "state " + s); }

function renderCampaigns(list) {
  $("no-campaigns").hidden = list.length > 0;
  fill("campaigns", list, (c) => {
    const tr = document.createElement("tr");
    tr.dataset.id = c.id;
    if (c.id === selected) tr.className = "selected";
    cell(tr, c.id); cell(tr, c.name); stateCell(tr, c.state); cell(tr, c.phase);
    cell(tr, c.phase === "final" ? c.current_group : ""); cell(tr, c.product);
    cell(tr, c.from_version); cell(tr, c.to_version); cell(tr, c.created);
    tr.addEventListener("click", () => { selected = c.id; refresh(); });
    return tr;
  });
}

function renderDevices(list) {
  $("no-devices").hidden = list.length > 0;
  fill("devices", list, (d) => {
    const tr = document.createElement("tr");
    tr.dataset.endpoint = d.endpoint;
    cell(tr, d.endpoint); cell(tr, d.imei); stateCell(tr, d.state); cell(tr, d.firmware_version || "?");
    cell(tr, d.last_seen || "never"); cell(tr, d.fw_state < 0 ? "?" : d.fw_state); cell(tr, d.fw_result < 0 ? "?" : d.fw_result);
    return tr;
  });
}

function groupsOf(devices) {
  const g = new Map();
  for (const d of devices) {
    if (!g.has(d.group)) g.set(d.group, { group: d.group, n: 0, ok: 0, bad: 0, run: 0, wait: 0, other: 0 });
    const x = g.get(d.group);
    x.n++;
    if (d.state === "succeeded") x.ok++;
    else if (d.state === "failed") x.bad++;
    else if (["downloading", "updating", "rebooting", "configuring"].includes(d.state)) x.run++;
    else if (d.state === "pending" || d.state === "waiting") x.wait++;
    else x.other++;
  }
  return [...g.values()].sort((a, b) => a.group - b.group);
}

function renderCampaign(c) {
  $("campaign").hidden = false;
  $("campaign").dataset.id = c.id;
  $("campaign").dataset.state = c.state;
  $("campaign-title").textContent = "Campaign " + c.id + ": " + c.name;
  const parts = [c.state + (c.phase ? ", phase " + c.phase : "") + (c.phase === "final" ? ", group " + c.current_group : ""),
    c.product + " " + c.from_version + " → " + c.to_version + " over " + c.transport,
    "test " + c.test_size + ", groups of " + c.group_size,
    "go on at " + c.success_threshold + "% succeeded, pause at " + c.error_threshold + "% failed",
    "window " + c.window_from + "–" + c.window_to + " UTC",
    "created by " + c.created_by + (c.approved_by ? ", approved by " + c.approved_by : "") +
      (c.test_accepted_by ? ", test accepted by " + c.test_accepted_by : "")];
  if (c.detail) parts.push(c.detail);
  $("campaign-summary").textContent = parts.join(" · ");
  for (const b of document.querySelectorAll("#actions button")) {
    const a = b.dataset.action;
    b.hidden = !(MAY[a].includes(role) && WHEN[a].includes(c.state));
  }
  const devs = c.devices || [];
  const ok = devs.filter((d) => d.state === "succeeded").length;
  const bad = devs.filter((d) => d.state === "failed").length;
  const n = devs.length || 1;
  $("progress").querySelector(".ok").style.width = (100 * ok / n) + "%";
  $("progress").querySelector(".bad").style.width = (100 * bad / n) + "%";
  $("progress").title = ok + " succeeded, " + bad + " failed of " + devs.length;
  const rep = c.report || {};
  fill("report", ["test", "final"].filter((p) => rep[p]), (p) => {
    const r = rep[p], tr = document.createElement("tr");
    cell(tr, p); cell(tr, r.devices); cell(tr, r.succeeded); cell(tr, r.failed); cell(tr, r.skipped);
    cell(tr, r.open); cell(tr, r.reset_during_install);
    return tr;
  });
  fill("groups", groupsOf(devs), (g) => {
    const tr = document.createElement("tr");
    cell(tr, g.group === 0 ? "test" : g.group); cell(tr, g.n); cell(tr, g.ok); cell(tr, g.bad);
    cell(tr, g.run); cell(tr, g.wait); cell(tr, g.other);
    return tr;
  });
  fill("campaign-devices", devs, (d) => {
    const tr = document.createElement("tr");
    tr.dataset.imei = d.imei;
    cell(tr, d.imei); cell(tr, d.group === 0 ? "test" : d.group); stateCell(tr, d.state); cell(tr, d.attempts);
    cell(tr, d.result < 0 ? "" : d.result); cell(tr, d.detail + (d.reset_during_install ? " [reset during install]" : "")); cell(tr, d.updated);
    return tr;
  });
}

async function refresh() {
  if (!sessionStorage.getItem(KEY)) return;
  try {
    if (!role) role = (await api("GET", "whoami")).role;
    $("role").textContent = role;
    $("role").hidden = false;
    const [campaigns, devices] = await Promise.all([api("GET", "campaigns"), api("GET", "devices")]);
    renderCampaigns(campaigns);
    renderDevices(devices);
    if (selected === null && campaigns.length) selected = campaigns[campaigns.length - 1].id;
    if (selected !== null) renderCampaign(await api("GET", "campaigns/" + selected + "/report"));
    $("app").hidden = false;
    if ($("status").className !== "error") status("Updated " + new Date().toLocaleTimeString());
  } catch (e) {
    if (e.code === 401) { sessionStorage.removeItem(KEY); role = null; $("app").hidden = true; $("role").hidden = true; }
    status(e.message || String(e), true);
  }
}

async function act(action) {
  if (selected === null) return;
  if (action.startsWith("cancel") && !confirm("Cancel campaign " + selected + (action.includes("force") ? " (forced)" : "") + "?")) return;
  try {
    const c = await api("POST", "campaigns/" + selected + "/" + action);
    status("Campaign " + c.id + " is now " + c.state + ".");
  } catch (e) {
    status(e.message, true);
    return;
  }
  refresh();
}

function start() {
  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const t = $("token").value.trim();
    if (!t) { status("Paste a token first.", true); return; }
    sessionStorage.setItem(KEY, t);
    $("token").value = "";
    role = null;
    status("");
    refresh();
  });
  $("token-forget").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    role = null;
    $("app").hidden = true;
    $("role").hidden = true;
    status("Token forgotten.");
  });
  for (const b of document.querySelectorAll("#actions button"))
    b.addEventListener("click", () => act(b.dataset.action));
  if (!sessionStorage.getItem(KEY)) status("Enter a token (sarafw-server's token file, or one an admin made).");
  refresh();
  timer = setInterval(refresh, REFRESH_MS);
}

document.addEventListener("DOMContentLoaded", start);
