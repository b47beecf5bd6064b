// The Reports page: the funnel of a clinic's leads and a week-by-week
// chart, drawn as inline SVG, with tables that say the same. It signs in
// the way the inbox does: the API token the inbox keeps in this tab, or
// the session cookie. Data goes in through textContent only.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const store = window.sessionStorage;
  let token = store.getItem("medspa.token") || "";
  let clinic = store.getItem("medspa.clinic") || "";
  let last = null; // the report shown

  const STAGES = [
    ["created", "New leads"],
    ["first_reply", "Answered"],
    ["engaged", "Replied"],
    ["offered", "Offered times"],
    ["held", "Held a time"],
    ["deposit_paid", "Paid a deposit"],
    ["booked", "Booked"],
    ["completed", "Came in"],
    ["no_show", "No-show"],
    ["cancelled", "Cancelled"],
    ["opted_out", "Opted out"],
    ["deposit_refunded", "Deposit refunded"],
    ["handed_off", "Handed to staff"],
    ["staff_answered", "Staff answered"],
  ];
  const SOURCES = { sms_telnyx: "Text (Telnyx)", sms_twilio: "Text (Twilio)", missed_call: "Missed call", web_form: "Web form", other: "Other" };
  const COLORS = { leads: "#0b5fff", booked: "#0a7a32" };

  function el(tag, props, ...children) {
    const n = document.createElement(tag);
    Object.assign(n, props || {});
    for (const c of children) n.append(c);
    return n;
  }

  function svg(tag, attrs, ...children) {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, String(v));
    for (const c of children) n.append(c);
    return n;
  }

  const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
  function dollars(cents) { return money.format((cents || 0) / 100); }

  function duration(ms) {
    if (ms === null || ms === undefined) return "none yet";
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    if (ms < 3600000) return Math.round(ms / 60000) + " min";
    return (ms / 3600000).toFixed(1) + " h";
  }

  function spread(d) {
    if (!d || d.p50_ms === null || d.p50_ms === undefined) return "none yet";
    return "median " + duration(d.p50_ms) + ", 90% within " + duration(d.p90_ms);
  }

  function pct(n, of) { return of ? Math.round((100 * n) / of) + "%" : "–"; }

  // Requests: a bearer token when the inbox keeps one in this tab, else
  // the session cookie (reads need no CSRF token).
  function headers() { return token ? { Authorization: "Bearer " + token } : {}; }

  async function signIn() {
    if (token && clinic) {
      $("who").textContent = "Signed in with a token";
      return true;
    }
    const r = await fetch("/v1/me", { credentials: "same-origin" }).catch(() => null);
    if (!r || !r.ok) return false;
    const me = await r.json();
    const u = me.user || {};
    clinic = u.clinic_id || clinic;
    if (!clinic) return false;
    $("who").textContent = "Signed in as " + (u.name || u.email || "staff");
    return true;
  }

  function signedOut(why) {
    $("report").hidden = true;
    $("signed-out").hidden = false;
    if (why) $("signed-out-why").textContent = why;
  }

  function path(ext) {
    // Empty dates: the server's default, the last 30 days in the clinic's zone.
    const q = new URLSearchParams();
    if ($("from").value) q.set("from", $("from").value);
    if ($("to").value) q.set("to", $("to").value);
    return "/v1/clinics/" + encodeURIComponent(clinic) + "/reports/funnel" + ext + "?" + q;
  }

  async function fetchReport(ext) {
    const r = await fetch(path(ext), { headers: headers(), credentials: "same-origin" });
    if (r.status === 401) {
      signedOut("Your sign-in has ended. Sign in again on the inbox.");
      throw new Error("unauthorized");
    }
    if (!r.ok) {
      let b = null;
      try { b = await r.json(); } catch (e) { b = null; }
      const fields = b && b.errors ? " " + Object.values(b.errors).join("; ") : "";
      throw new Error(((b && b.detail) || r.statusText) + fields);
    }
    return r;
  }

  async function load() {
    $("status").textContent = "Loading…";
    try {
      last = await (await fetchReport("")).json();
    } catch (e) {
      if (e.message !== "unauthorized") $("status").textContent = "Could not load the report: " + e.message;
      return;
    }
    $("from").value = last.from;
    $("to").value = last.to;
    render(last);
    $("status").textContent = "Showing " + last.from + " to " + last.to + " (" + last.timezone + ").";
  }

  function render(f) {
    const s = f.stages || {};
    const sum = $("summary");
    sum.replaceChildren();
    const fact = (k, v) => sum.append(el("dt", { textContent: k }), el("dd", { textContent: v }));
    fact("Leads", String(f.leads));
    fact("Booked", s.booked + " (" + pct(s.booked, f.leads) + ")");
    fact("Deposits collected", dollars(f.deposits.collected_cents) + " (" + f.deposits.paid + ")");
    fact("Deposits refunded", dollars(f.deposits.refunded_cents) + " (" + f.deposits.refunded + ")");
    fact("Speed to lead", spread(f.speed_to_lead));
    fact("Handed to staff", f.handoffs.count + ", answered " + f.handoffs.answered);
    fact("Staff answer time", spread(f.handoffs.answer));

    drawFunnel(f);
    const fb = $("funnel-table").tBodies[0];
    fb.replaceChildren();
    for (const [key, label] of STAGES) {
      fb.append(el("tr", {}, el("th", { scope: "row", textContent: label }), el("td", { textContent: String(s[key] || 0) }),
        el("td", { textContent: pct(s[key] || 0, f.leads) })));
    }

    drawWeeks(f.weeks || []);
    const wb = $("weeks-table").tBodies[0];
    wb.replaceChildren();
    for (const w of f.weeks || []) {
      wb.append(el("tr", {}, el("th", { scope: "row", textContent: w.week_start }), el("td", { textContent: String(w.leads) }),
        el("td", { textContent: String(w.engaged) }), el("td", { textContent: String(w.booked) }), el("td", { textContent: dollars(w.collected_cents) })));
    }

    const sb = $("sources-table").tBodies[0];
    sb.replaceChildren();
    if (!(f.sources || []).length) sb.append(el("tr", {}, el("td", { colSpan: 4, textContent: "No leads in this period." })));
    for (const src of f.sources || []) {
      const campaign = [src.utm_source, src.utm_campaign].filter(Boolean).join(" / ") || "–";
      sb.append(el("tr", {}, el("th", { scope: "row", textContent: SOURCES[src.source] || src.source }), el("td", { textContent: campaign }),
        el("td", { textContent: String(src.leads) }), el("td", { textContent: String(src.booked) })));
    }
  }

  // The funnel: one horizontal bar per stage, as wide as its share of the
  // leads. The table below says the same for screen readers.
  function drawFunnel(f) {
    const s = f.stages || {};
    const row = 26, labelW = 150, barW = 420, w = labelW + barW + 70, h = STAGES.length * row + 8;
    const title = svg("title", { id: "funnel-svg-title" });
    title.textContent = "Funnel: " + STAGES.map(([k, l]) => l + " " + (s[k] || 0)).join(", ");
    const g = svg("svg", { viewBox: "0 0 " + w + " " + h, width: "100%", role: "img", "aria-labelledby": "funnel-svg-title" }, title);
    const max = Math.max(f.leads, 1);
    STAGES.forEach(([k, label], i) => {
      const n = s[k] || 0;
      const y = 4 + i * row;
      const t = svg("text", { x: labelW - 8, y: y + 17, "text-anchor": "end", "font-size": 13, fill: "#1b1b1f" });
      t.textContent = label;
      const v = svg("text", { x: labelW + (barW * n) / max + 6, y: y + 17, "font-size": 13, fill: "#1b1b1f" });
      v.textContent = String(n);
      g.append(t, svg("rect", { x: labelW, y: y + 3, width: Math.max((barW * n) / max, n ? 2 : 0), height: row - 8, fill: i < 7 ? COLORS.leads : "#8a8a96", rx: 2 }), v);
    });
    $("funnel-chart").replaceChildren(g);
  }

  // The weeks: leads and bookings side by side for each week.
  function drawWeeks(weeks) {
    const h = 200, pad = 28, colW = Math.max(24, Math.min(60, 640 / Math.max(weeks.length, 1)));
    const w = pad + weeks.length * colW + 120;
    const max = Math.max(1, ...weeks.map((x) => x.leads));
    const title = svg("title", { id: "weeks-svg-title" });
    title.textContent = "Leads and bookings by week: " + weeks.map((x) => x.week_start + " " + x.leads + " leads, " + x.booked + " booked").join("; ");
    const g = svg("svg", { viewBox: "0 0 " + w + " " + (h + 40), width: "100%", role: "img", "aria-labelledby": "weeks-svg-title" }, title);
    g.append(svg("line", { x1: pad, y1: h, x2: pad + weeks.length * colW, y2: h, stroke: "#55555f" }));
    const top = svg("text", { x: pad - 4, y: 12, "text-anchor": "end", "font-size": 11, fill: "#55555f" });
    top.textContent = String(max);
    g.append(top);
    weeks.forEach((x, i) => {
      const x0 = pad + i * colW + 3, bw = (colW - 6) / 2;
      const bar = (n, off, color) => {
        const bh = ((h - 16) * n) / max;
        g.append(svg("rect", { x: x0 + off, y: h - bh, width: bw, height: bh, fill: color }));
      };
      bar(x.leads, 0, COLORS.leads);
      bar(x.booked, bw, COLORS.booked);
      if (weeks.length <= 16 || i % Math.ceil(weeks.length / 16) === 0) {
        const lbl = svg("text", { x: x0, y: h + 14, "font-size": 10, fill: "#55555f" });
        lbl.textContent = x.week_start.slice(5);
        g.append(lbl);
      }
    });
    const lx = pad + weeks.length * colW + 12;
    [["Leads", COLORS.leads], ["Booked", COLORS.booked]].forEach(([name, color], i) => {
      const t = svg("text", { x: lx + 16, y: 22 + i * 18, "font-size": 12, fill: "#1b1b1f" });
      t.textContent = name;
      g.append(svg("rect", { x: lx, y: 12 + i * 18, width: 12, height: 12, fill: color }), t);
    });
    $("weeks-chart").replaceChildren(g);
  }

  // The CSV comes with the same sign-in, so it is fetched and saved from
  // here rather than linked.
  $("csv").addEventListener("click", async () => {
    $("status").textContent = "Preparing the CSV…";
    let blob;
    try {
      blob = await (await fetchReport(".csv")).blob();
    } catch (e) {
      if (e.message !== "unauthorized") $("status").textContent = "Could not download: " + e.message;
      return;
    }
    const a = el("a", { href: URL.createObjectURL(blob), download: "funnel-" + clinic + "-" + $("from").value + "-" + $("to").value + ".csv" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    $("status").textContent = "CSV downloaded.";
  });

  $("period").addEventListener("submit", (ev) => {
    ev.preventDefault();
    load();
  });

  signIn().then((ok) => {
    if (!ok) { signedOut(""); return; }
    $("report").hidden = false;
    load();
  }, () => signedOut(""));
})();
