// The staff inbox: plain DOM, no framework. Data goes in through
// textContent only, never as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const store = window.sessionStorage;
  let token = store.getItem("medspa.token") || "";
  let clinic = store.getItem("medspa.clinic") || "";
  let selected = "";
  let events = null;
  let reloadTimer = 0;

  function claimsOf(tok) {
    try {
      const part = tok.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part));
    } catch (e) {
      return {};
    }
  }

  function el(tag, props, ...children) {
    const n = document.createElement(tag);
    Object.assign(n, props || {});
    for (const c of children) n.append(c);
    return n;
  }

  function when(iso) {
    const d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  }

  async function api(path, opts) {
    opts = opts || {};
    const headers = Object.assign({ Authorization: "Bearer " + token }, opts.headers || {});
    const res = await fetch("/v1/clinics/" + encodeURIComponent(clinic) + path, Object.assign({}, opts, { headers }));
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (res.status === 401) {
      signOut("Your token was refused (" + ((body && body.detail) || "unauthorized") + "). Sign in again.");
      throw new Error("unauthorized");
    }
    if (!res.ok) {
      const fields = body && body.errors ? " " + Object.entries(body.errors).map(([k, v]) => k + ": " + v).join("; ") : "";
      throw new Error(((body && body.detail) || res.statusText) + fields);
    }
    return { status: res.status, body };
  }

  // Sign in and out.
  function showSignedIn(on) {
    $("signin-view").hidden = on;
    $("app-view").hidden = !on;
    $("signout").hidden = !on;
  }

  function signOut(message) {
    store.removeItem("medspa.token");
    token = "";
    stopLive();
    setLive("off", "Not connected");
    showSignedIn(false);
    $("signin-error").textContent = message || "";
    $("token").focus();
  }

  $("token").addEventListener("input", () => {
    const c = claimsOf($("token").value.trim());
    if (c.clinic_id) $("clinic").value = c.clinic_id;
  });

  $("signin").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const tok = $("token").value.trim();
    const c = claimsOf(tok);
    const cl = $("clinic").value.trim() || c.clinic_id || "";
    if (!c.sub) { $("signin-error").textContent = "That does not look like a staff token."; return; }
    if (!cl) { $("signin-error").textContent = "Enter the clinic ID."; $("clinic").focus(); return; }
    token = tok;
    clinic = cl;
    store.setItem("medspa.token", token);
    store.setItem("medspa.clinic", clinic);
    start();
  });

  $("signout").addEventListener("click", () => signOut(""));

  function start() {
    $("signin-error").textContent = "";
    showSignedIn(true);
    loadList().then(() => $("search").focus(), () => {});
    loadAppointments();
    connect();
  }

  // The conversation list: those that need a person first.
  async function loadList() {
    const q = $("search").value.trim();
    const qs = q ? "&q=" + encodeURIComponent(q) : "";
    try {
      const [needs, all] = await Promise.all([
        api("/conversations?needs_person=true&limit=100" + qs),
        api("/conversations?needs_person=false&limit=100" + qs),
      ]);
      renderList($("needs"), needs.body.items, "Nobody is waiting for a person.");
      renderList($("others"), all.body.items, "No conversations.");
    } catch (e) {
      if (e.message !== "unauthorized") $("action-status").textContent = "Could not load conversations: " + e.message;
      throw e;
    }
  }

  function renderList(ul, items, empty) {
    ul.replaceChildren();
    if (!items.length) { ul.append(el("li", { className: "empty", textContent: empty })); return; }
    for (const c of items) {
      const b = el("button", { type: "button" },
        el("span", { className: "name", textContent: (c.urgent ? "URGENT · " : "") + (c.name || c.phone) }),
        el("span", { className: "phase", textContent: c.phase.replace(/_/g, " ") + " · " + when(c.updated_at) }));
      if (c.urgent) b.classList.add("urgent");
      b.dataset.id = c.id;
      if (c.id === selected) b.setAttribute("aria-current", "true");
      b.addEventListener("click", () => open(c.id, true));
      ul.append(el("li", {}, b));
    }
  }

  let searchTimer = 0;
  $("search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => loadList().catch(() => {}), 250);
  });

  // One conversation.
  async function open(id, focus) {
    selected = id;
    for (const b of document.querySelectorAll(".list button[data-id]")) {
      if (b.dataset.id === id) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
    }
    let d;
    try {
      d = (await api("/conversations/" + encodeURIComponent(id))).body;
    } catch (e) {
      $("action-status").textContent = "Could not open the conversation: " + e.message;
      return;
    }
    if (id !== selected) return;
    $("conv-title").textContent = d.name || d.phone;
    $("conv-meta").textContent = d.phone + " · " + d.phase.replace(/_/g, " ") + (d.consent.state ? " · consent " + d.consent.state : "");
    $("conv-tools").hidden = false;
    $("take-over").disabled = d.phase === "handed_to_staff";
    $("hand-back").disabled = d.phase !== "handed_to_staff";
    const ol = $("transcript");
    ol.replaceChildren();
    for (const m of d.messages) {
      const who = m.author === "lead" ? (d.name || "Lead") : m.author === "engine" ? "Assistant" : m.author.replace(/^staff:/, "Staff ");
      const li = el("li", { className: m.direction },
        el("span", { className: "who", textContent: who + " · " + when(m.at) + (m.status ? " · " + m.status : "") }),
        el("span", { className: "text", textContent: m.text }));
      li.dataset.author = m.author;
      ol.append(li);
    }
    const ul = $("conv-appointments");
    ul.replaceChildren();
    if (!d.appointments.length) ul.append(el("li", { textContent: "None." }));
    for (const a of d.appointments) ul.append(el("li", { textContent: a.service_id + " · " + when(a.start) + " · " + a.status }));
    if (focus) $("conv-title").focus();
  }

  async function act(body, done) {
    if (!selected) return;
    const status = $("action-status");
    status.textContent = "Sending…";
    try {
      const res = await api("/conversations/" + encodeURIComponent(selected) + "/actions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      status.textContent = "Accepted (" + body.type.replace(/_/g, " ") + ").";
      status.dataset.actionId = res.body.action_id;
      status.dataset.code = String(res.status);
      if (done) done();
      scheduleReload();
    } catch (e) {
      status.textContent = "Not accepted: " + e.message;
      status.dataset.code = "error";
    }
  }

  $("take-over").addEventListener("click", () => act({ type: "take_over" }));
  $("hand-back").addEventListener("click", () => act({ type: "hand_back" }));
  $("reply").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("reply-text").value.trim();
    if (text) act({ type: "send", text }, () => { $("reply-text").value = ""; });
  });
  $("note").addEventListener("click", () => {
    const text = $("reply-text").value.trim();
    if (text) act({ type: "note", text }, () => { $("reply-text").value = ""; });
  });
  $("reply-text").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) $("reply").requestSubmit();
  });

  async function loadAppointments() {
    try {
      const items = (await api("/appointments?limit=50")).body.items;
      const ul = $("appointments");
      ul.replaceChildren();
      if (!items.length) ul.append(el("li", { textContent: "None." }));
      for (const a of items) {
        const b = el("button", { type: "button", textContent: when(a.start) + " · " + a.service_id + " · " + (a.name || "lead") + (a.status === "held" ? " (held)" : "") });
        b.addEventListener("click", () => open(a.lead_id, true));
        ul.append(el("li", {}, b));
      }
    } catch (e) { /* shown by the list */ }
  }

  // Live updates: any event of the clinic reloads what is on screen, at
  // most every 300 ms.
  function scheduleReload() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => {
      loadList().catch(() => {});
      loadAppointments();
      if (selected) open(selected, false);
    }, 300);
  }

  function setLive(state, text) {
    $("live").dataset.state = state;
    $("live").textContent = text;
  }

  // Live updates. EventSource cannot send the token, and a token in a URL
  // ends up in histories and logs: each connection asks for a single-use
  // ticket with the token and opens the stream with the ticket. A ticket
  // is good once, so every reconnection asks for a new one.
  let liveGen = 0;
  let retryTimer = 0;
  let retryDelay = 1000;

  function stopLive() {
    liveGen++;
    clearTimeout(retryTimer);
    if (events) events.close();
    events = null;
  }

  function retryLive() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => connect(true), retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  async function connect(again) {
    stopLive();
    const gen = liveGen;
    setLive("connecting", again ? "Reconnecting…" : "Connecting…");
    let ticket;
    try {
      ticket = (await api("/events/ticket", { method: "POST" })).body.ticket;
    } catch (e) {
      if (gen === liveGen && e.message !== "unauthorized") retryLive();
      return;
    }
    if (gen !== liveGen) return;
    const es = new EventSource("/v1/clinics/" + encodeURIComponent(clinic) + "/events?ticket=" + encodeURIComponent(ticket));
    events = es;
    es.addEventListener("ready", () => {
      retryDelay = 1000;
      setLive("on", "Live");
      if (again) scheduleReload(); // events may have been missed meanwhile
    });
    es.addEventListener("overflow", () => connect(true));
    es.addEventListener("expired", () => signOut("Your token has expired. Sign in again with a new one."));
    es.onmessage = () => scheduleReload();
    es.onerror = () => {
      if (events !== es) return;
      stopLive();
      setLive("connecting", "Reconnecting…");
      retryLive();
    };
  }

  if (token && clinic) start(); else showSignedIn(false);
})();
