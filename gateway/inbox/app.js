// The staff inbox: plain DOM, no framework. Data goes in through
// textContent only, never as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const store = window.sessionStorage;
  // mode is "cookie" (signed in with email and password: a session cookie
  // and a CSRF token for every change) or "token" (an API token pasted in).
  let mode = "";
  let token = store.getItem("medspa.token") || "";
  let clinic = store.getItem("medspa.clinic") || "";
  let csrf = "";
  let inviteToken = "";
  let selected = "";
  let events = null;
  let reloadTimer = 0;
  // The clinic's settings: its time zone and the names of its services.
  let zone = "";
  let services = {};
  // confirmCancel is the appointment whose cancel button asks to confirm.
  let confirmCancel = "";
  let rescheduling = null;
  let current = null; // the open conversation as last read

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

  // Times, numbers and services as the front desk says them.
  function formatter(opts) {
    try {
      return new Intl.DateTimeFormat([], Object.assign({ timeZone: zone || undefined }, opts));
    } catch (e) {
      return new Intl.DateTimeFormat([], opts);
    }
  }

  function when(iso) {
    const d = new Date(iso);
    return isNaN(d) ? "" : formatter({ dateStyle: "medium", timeStyle: "short" }).format(d).replace(/[\u202f\u00a0]/g, " ");
  }

  function zoneName(d) {
    const p = formatter({ timeZoneName: "short" }).formatToParts(d || new Date()).find((x) => x.type === "timeZoneName");
    return p ? p.value : "";
  }

  function phone(p) {
    const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(p || "");
    return m ? "(" + m[1] + ") " + m[2] + "-" + m[3] : (p || "");
  }

  function serviceName(id) {
    if (services[id]) return services[id];
    const s = String(id || "").replace(/[-_]+/g, " ").trim();
    return s ? s[0].toUpperCase() + s.slice(1) : "";
  }

  function words(s) { return String(s || "").replace(/_/g, " "); }

  // The wall time t ("2026-12-11T15:00", from a datetime-local input) in
  // the clinic's zone, as an instant.
  function zonedInstant(t) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(t);
    if (!m) return null;
    const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    const offset = (ms) => {
      const parts = {};
      for (const p of formatter({ hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(ms))) parts[p.type] = p.value;
      return Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second) - ms;
    };
    let at = wall - offset(wall);
    at = wall - offset(at);
    return new Date(at);
  }

  // The instant iso as a datetime-local value in the clinic's zone.
  function zonedLocal(iso) {
    const parts = {};
    for (const p of formatter({ hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(new Date(iso))) parts[p.type] = p.value;
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + (parts.hour === "24" ? "00" : parts.hour) + ":" + parts.minute;
  }

  // Requests. A cookie session sends X-CSRF-Token with every change; a
  // refused CSRF token is renewed once from /v1/me.
  async function request(url, opts, retried) {
    opts = opts || {};
    const headers = Object.assign({}, opts.headers || {});
    const method = (opts.method || "GET").toUpperCase();
    if (mode === "token") headers.Authorization = "Bearer " + token;
    if (mode === "cookie" && method !== "GET") headers["X-CSRF-Token"] = csrf;
    const res = await fetch(url, Object.assign({}, opts, { headers, credentials: "same-origin" }));
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (res.status === 403 && mode === "cookie" && method !== "GET" && !retried) {
      const me = await fetch("/v1/me", { credentials: "same-origin" });
      if (me.ok) {
        csrf = (await me.json()).csrf_token || "";
        return request(url, opts, true);
      }
    }
    return { res, body };
  }

  function problem(res, body) {
    const fields = body && body.errors ? " " + Object.entries(body.errors).map(([k, v]) => k + ": " + v).join("; ") : "";
    return ((body && body.detail) || res.statusText) + fields;
  }

  async function api(path, opts) {
    const { res, body } = await request("/v1/clinics/" + encodeURIComponent(clinic) + path, opts);
    if (res.status === 401) {
      signedOut(mode === "cookie" ? "Your session has ended. Sign in again." :
        "Your token was refused (" + ((body && body.detail) || "unauthorized") + "). Sign in again.");
      throw new Error("unauthorized");
    }
    if (!res.ok) throw new Error(problem(res, body));
    return { status: res.status, body };
  }

  // Views.
  function show(view) {
    $("signin-view").hidden = view !== "signin";
    $("invite-view").hidden = view !== "invite";
    $("app-view").hidden = view !== "app";
    $("app-nav").hidden = view !== "app";
    $("signout").hidden = view !== "app";
    if (view !== "app") $("who").textContent = "";
  }

  function signedOut(message) {
    store.removeItem("medspa.token");
    token = "";
    csrf = "";
    mode = "";
    selected = "";
    stopLive();
    setLive("off", "Not connected");
    show("signin");
    $("login-error").textContent = message || "";
    $("signin-error").textContent = "";
    if (message && message.startsWith("Your token")) {
      $("signin-error").textContent = message;
      $("login-error").textContent = "";
    }
    $("email").focus();
  }

  // A cookie session: the answer of login, invite and /v1/me.
  function cookieSession(body) {
    mode = "cookie";
    csrf = body.csrf_token || "";
    const u = body.user || {};
    clinic = u.clinic_id || $("login-clinic").value.trim() || clinic;
    if (!clinic) {
      signedOut("");
      $("login-error").textContent = "Enter the clinic ID (an admin account has none of its own).";
      return;
    }
    store.setItem("medspa.clinic", clinic);
    $("who").textContent = "Signed in as " + (u.name || u.email || "staff");
    start();
  }

  $("login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const err = $("login-error");
    err.textContent = "";
    let r;
    try {
      r = await fetch("/v1/auth/login", {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: $("email").value.trim(), password: $("password").value }),
      });
    } catch (e) {
      err.textContent = "The server did not answer. Try again.";
      return;
    }
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (r.ok) {
      $("password").value = "";
      cookieSession(body || {});
      return;
    }
    if (r.status === 401) err.textContent = "Wrong email or password.";
    else if (r.status === 429) {
      const s = parseInt(r.headers.get("Retry-After") || "0", 10);
      err.textContent = "Too many attempts. Try again " + (s > 0 ? "in " + Math.ceil(s / 60) + " minute(s)." : "later.");
    } else err.textContent = "Could not sign in: " + problem(r, body);
    $("password").focus();
  });

  $("invite").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const err = $("invite-error");
    const pw = $("new-password").value;
    if ([...pw].length < 12) { err.textContent = "The password needs at least 12 characters."; $("new-password").focus(); return; }
    if (pw !== $("new-password-again").value) { err.textContent = "The two passwords differ."; $("new-password-again").focus(); return; }
    err.textContent = "";
    let r;
    try {
      r = await fetch("/v1/auth/invites/" + encodeURIComponent(inviteToken), {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ password: pw }),
      });
    } catch (e) {
      err.textContent = "The server did not answer. Try again.";
      return;
    }
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      err.textContent = (r.status === 404 || r.status === 410 ? "This invite link is no longer valid: ask for a new one. " : "") + problem(r, body);
      return;
    }
    inviteToken = "";
    $("new-password").value = "";
    $("new-password-again").value = "";
    cookieSession(body || {});
  });

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
    mode = "token";
    token = tok;
    clinic = cl;
    store.setItem("medspa.token", token);
    store.setItem("medspa.clinic", clinic);
    $("who").textContent = "Signed in with a token (" + c.sub + ")";
    start();
  });

  $("signout").addEventListener("click", async () => {
    if (mode === "cookie") {
      try { await request("/v1/auth/logout", { method: "POST" }); } catch (e) { /* signed out here anyway */ }
    }
    signedOut("");
  });

  async function start() {
    $("signin-error").textContent = "";
    $("login-error").textContent = "";
    show("app");
    connect();
    await loadSettings();
    loadList().then(() => $("search").focus(), () => {});
    loadAppointments();
  }

  async function loadSettings() {
    try {
      const c = (await api("/settings")).body.clinic || {};
      zone = c.timezone || "";
      services = {};
      for (const s of c.services || []) services[s.id] = s.name;
    } catch (e) { /* times in the browser's zone, service ids as words */ }
  }

  // The conversation list: those that need a person first, urgent ones
  // first of all.
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
    const focused = ul.contains(document.activeElement) ? document.activeElement.dataset.id : "";
    ul.replaceChildren();
    if (!items.length) { ul.append(el("li", { className: "empty", textContent: empty })); return; }
    const sorted = items.slice().sort((a, b) => (b.urgent ? 1 : 0) - (a.urgent ? 1 : 0));
    for (const c of sorted) {
      const b = el("button", { type: "button" },
        el("span", { className: "name", textContent: (c.urgent ? "URGENT · " : "") + (c.name || phone(c.phone)) }),
        el("span", { className: "phase", textContent: words(c.phase) + " · " + when(c.updated_at) }));
      if (c.urgent) b.classList.add("urgent");
      b.dataset.id = c.id;
      if (c.id === selected) b.setAttribute("aria-current", "true");
      b.addEventListener("click", () => open(c.id, true));
      ul.append(el("li", {}, b));
      if (c.id === focused) b.focus();
    }
  }

  // Arrow keys, Home and End move through both lists.
  document.querySelector(".list").addEventListener("keydown", (ev) => {
    const all = Array.from(document.querySelectorAll(".list li button[data-id]"));
    const i = all.indexOf(document.activeElement);
    if (i < 0) return;
    let j = -1;
    if (ev.key === "ArrowDown") j = Math.min(i + 1, all.length - 1);
    else if (ev.key === "ArrowUp") j = Math.max(i - 1, 0);
    else if (ev.key === "Home") j = 0;
    else if (ev.key === "End") j = all.length - 1;
    if (j < 0) return;
    ev.preventDefault();
    all[j].focus();
  });

  let searchTimer = 0;
  $("search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => loadList().catch(() => {}), 250);
  });

  // One conversation.
  async function open(id, focus) {
    if (id !== selected) { confirmCancel = ""; rescheduling = null; $("reschedule").hidden = true; }
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
    current = d;
    $("conv-title").textContent = d.name || phone(d.phone);
    $("conv-meta").textContent = phone(d.phone) + " · " + words(d.phase) + (d.consent && d.consent.state ? " · consent " + d.consent.state : "");
    renderFacts(d);
    $("conv-tools").hidden = false;
    $("take-over").disabled = d.phase === "handed_to_staff";
    $("hand-back").disabled = d.phase !== "handed_to_staff";
    renderTranscript(d);
    renderConvAppointments(d);
    if (focus) $("conv-title").focus();
  }

  // What the web form told about the lead: email and campaign.
  function renderFacts(d) {
    const dl = $("conv-facts");
    dl.replaceChildren();
    const add = (k, v) => { if (v) dl.append(el("dt", { textContent: k }), el("dd", { textContent: v })); };
    add("Email", d.email);
    const utm = d.utm || {};
    for (const k of ["source", "medium", "campaign", "term", "content"]) add("Campaign " + k, utm[k]);
    dl.hidden = !dl.childElementCount;
  }

  function authorOf(d, m) {
    if (m.author === "lead") return d.name || "Lead";
    if (m.author === "engine" || m.author.startsWith("engine:")) return "Assistant";
    if (m.author_name) return m.author_name;
    return m.author.replace(/^staff:/, "Staff ");
  }

  // A transcript line "[attachment] <url>" is an attachment of the lead's
  // MMS: a link, for http and https URLs only.
  function textNodes(text) {
    const out = [];
    const lines = String(text || "").split("\n");
    lines.forEach((line, i) => {
      const m = /^\[attachment\] (\S+)$/.exec(line);
      let url = null;
      if (m) { try { url = new URL(m[1]); } catch (e) { url = null; } }
      if (url && (url.protocol === "https:" || url.protocol === "http:")) {
        out.push(el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer", className: "attachment", textContent: "Attachment: " + url.href }));
      } else out.push(line);
      if (i < lines.length - 1) out.push("\n");
    });
    return out;
  }

  function renderTranscript(d) {
    const ol = $("transcript");
    const items = [];
    for (const m of d.messages) {
      const li = el("li", { className: m.direction },
        el("span", { className: "who", textContent: authorOf(d, m) + " · " + when(m.at) + (m.status ? " · " + m.status : "") }),
        el("span", { className: "text" }, ...textNodes(m.text)));
      li.dataset.author = m.author;
      li.dataset.id = m.id;
      items.push(li);
    }
    ol.replaceChildren(...items);
  }

  function apptText(a) {
    return serviceName(a.service_id) + " · " + when(a.start) + (a.provider_name ? " · with " + a.provider_name : "") +
      " · " + words(a.status) + (a.attendance ? " · " + words(a.attendance) : "");
  }

  function renderConvAppointments(d) {
    const ul = $("conv-appointments");
    ul.replaceChildren();
    if (!d.appointments.length) ul.append(el("li", { textContent: "None." }));
    for (const a of d.appointments) {
      const li = el("li", {}, el("span", { textContent: apptText(a) }));
      li.dataset.id = a.id;
      if (a.status === "booked") {
        const label = serviceName(a.service_id) + " on " + when(a.start);
        const confirming = confirmCancel === a.id;
        const cancel = el("button", { type: "button", className: "danger cancel",
          textContent: confirming ? "Confirm: cancel it" : "Cancel" });
        cancel.setAttribute("aria-label", (confirming ? "Confirm cancelling " : "Cancel ") + label);
        cancel.addEventListener("click", () => {
          if (confirmCancel !== a.id) {
            confirmCancel = a.id;
            renderConvAppointments(current);
            const again = ul.querySelector('li[data-id="' + a.id + '"] button.cancel');
            if (again) again.focus();
            $("action-status").textContent = "Press again to cancel " + label + ".";
            return;
          }
          confirmCancel = "";
          act({ type: "cancel_appointment", appointment_id: a.id });
        });
        const move = el("button", { type: "button", className: "reschedule", textContent: "Reschedule" });
        move.setAttribute("aria-label", "Reschedule " + label);
        move.addEventListener("click", () => startReschedule(a));
        li.append(el("div", { className: "actions" }, cancel, move, ...attendanceButtons(a, label)));
      }
      ul.append(li);
    }
  }

  // Attendance: the server lists what may be recorded now (from an hour
  // before the visit; completed is final), so the buttons follow its clock.
  const attendanceLabel = { arrived: "Arrived", completed: "Completed", no_show: "No-show" };
  function attendanceButtons(a, label) {
    return (a.attendance_next || []).filter((s) => attendanceLabel[s]).map((s) => {
      const b = el("button", { type: "button", className: "attendance", textContent: attendanceLabel[s] });
      b.dataset.status = s;
      b.setAttribute("aria-label", "Mark " + label + " " + attendanceLabel[s].toLowerCase());
      b.addEventListener("click", () => recordAttendance(a, s));
      return b;
    });
  }

  async function recordAttendance(a, s) {
    const status = $("action-status");
    status.textContent = "Sending…";
    try {
      const res = await api("/appointments/" + encodeURIComponent(a.id) + "/status", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ status: s }),
      });
      status.textContent = "Recorded: " + attendanceLabel[s].toLowerCase() + ".";
      status.dataset.actionId = res.body.action_id;
      status.dataset.code = String(res.status);
      scheduleReload();
    } catch (e) {
      status.textContent = "Not recorded: " + e.message;
      status.dataset.code = "error";
    }
  }

  function startReschedule(a) {
    rescheduling = a;
    confirmCancel = "";
    $("reschedule-title").textContent = "Move " + serviceName(a.service_id) + " from " + when(a.start);
    $("reschedule-zone").textContent = "(clinic time" + (zoneName(new Date(a.start)) ? ", " + zoneName(new Date(a.start)) : "") + ")";
    $("reschedule-start").value = zonedLocal(a.start);
    $("reschedule").hidden = false;
    $("reschedule-start").focus();
  }

  $("reschedule-cancel").addEventListener("click", () => { rescheduling = null; $("reschedule").hidden = true; });
  $("reschedule").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!rescheduling) return;
    const at = zonedInstant($("reschedule-start").value);
    if (!at) { $("action-status").textContent = "Pick a date and time."; return; }
    const id = rescheduling.id;
    act({ type: "reschedule_appointment", appointment_id: id, new_start: at.toISOString() }, () => {
      rescheduling = null;
      $("reschedule").hidden = true;
    });
  });

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
      status.textContent = "Accepted (" + words(body.type) + ").";
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

  // The providers' external calendars are read and written on a schedule;
  // this asks for a sync now (the result shows in the appointments).
  $("sync-calendars").addEventListener("click", async () => {
    const status = $("sync-status");
    status.textContent = "Syncing…";
    try {
      await api("/calendar/sync", { method: "POST" });
      status.textContent = "Sync requested.";
      scheduleReload();
    } catch (e) {
      status.textContent = "Not synced: " + e.message;
    }
  });

  async function loadAppointments() {
    try {
      const items = (await api("/appointments?limit=50")).body.items;
      const ul = $("appointments");
      ul.replaceChildren();
      if (!items.length) ul.append(el("li", { textContent: "None." }));
      for (const a of items) {
        const b = el("button", { type: "button", textContent: when(a.start) + " · " + serviceName(a.service_id) + " · " + (a.name || "lead") + (a.status === "held" ? " (held)" : "") });
        b.addEventListener("click", () => open(a.lead_id, true));
        ul.append(el("li", {}, b));
      }
    } catch (e) { /* shown by the list */ }
  }

  // Live updates: any event of the clinic (a text, a receipt, a staff
  // action, a change of phase) reloads what is on screen, at most every
  // 300 ms; the event itself carries no text.
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

  // EventSource cannot send a token, and a token in a URL ends up in
  // histories and logs: each connection asks for a single-use ticket
  // (with the token or the session cookie) and opens the stream with it.
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

  async function expired() {
    if (mode !== "cookie") { signedOut("Your token has expired. Sign in again with a new one."); return; }
    const me = await fetch("/v1/me", { credentials: "same-origin" }).catch(() => null);
    if (me && me.ok) { csrf = (await me.json()).csrf_token || csrf; connect(true); } else signedOut("Your session has ended. Sign in again.");
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
    es.addEventListener("expired", () => { stopLive(); expired(); });
    es.onmessage = () => scheduleReload();
    es.onerror = () => {
      if (events !== es) return;
      stopLive();
      setLive("connecting", "Reconnecting…");
      retryLive();
    };
  }

  // An invite link (/inbox/#invite=<token>) sets a password; the token
  // leaves the address bar at once.
  const invite = /^#invite=([A-Za-z0-9_\-.~%]+)$/.exec(window.location.hash);
  if (invite) {
    inviteToken = decodeURIComponent(invite[1]);
    window.history.replaceState(null, "", window.location.pathname);
    show("invite");
    $("new-password").focus();
  } else if (token && clinic) {
    mode = "token";
    $("who").textContent = "Signed in with a token (" + (claimsOf(token).sub || "") + ")";
    start();
  } else {
    show("signin");
    fetch("/v1/me", { credentials: "same-origin" }).then(async (r) => {
      if (r.ok && !mode) cookieSession(await r.json());
    }, () => {});
  }
})();
