// Field mode, on every page of someone signed in:
// - the round (GET /api/v1/me/round) is kept in IndexedDB while online, its age shown on
//   /scan, and wiped on sign-out, when someone else signs in on the phone, and after 7 days;
// - a label opened with no connection (the service worker answers /s/{tag} with
//   /offline/label) is drawn from the round, its verdict marked "Offline — as of …";
// - fit, check, collect and quarantine made there wait in a queue, each with its own
//   Idempotency-Key, the phone's date and the item's version. With signal again they are sent
//   in order; each ends done (it leaves the queue), conflict (the item changed meanwhile: what
//   changed is shown, the worker sends it again or discards it) or refused (the reason is
//   shown). Nothing leaves the queue before the server has answered it or the worker says so.
// - a fit or a collection made there carries its hand-over (who, the signature drawn on the
//   pad of signature.js or the reason there is none) as the online form would send it.
// - a thorough examination made there is the item page's own form (the shell keeps it as a
//   template); its fields wait in the queue as name/value pairs and are sent to
//   POST /api/v1/items/{tag}/examinations/form, where the server reads them as it reads the
//   page's form: how a form becomes a report is decided there, not here.
(function () {
  "use strict";
  const meta = (name) => (document.querySelector('meta[name="' + name + '"]') || {}).content;
  const me = meta("et-user");
  const csrf = meta("et-csrf");
  if (!me) return;

  const KEPT_MS = 7 * 24 * 3600 * 1000;
  const REFRESH_MS = 60 * 1000;
  const EXAM = "examinations/form";
  const MOVE_WORDS = { fit: "Fit", checks: "Check", [EXAM]: "Examination", return: "Collection", quarantine: "Quarantine" };
  const STATUS_WORDS = {
    in_store: "In store", issued: "Issued, not yet fitted", in_use: "In use",
    awaiting_decontamination: "Awaiting decontamination", quarantined: "Quarantined", condemned: "Condemned",
  };

  // ---- IndexedDB: one record "round", and the queue in the order moves were made.
  function database() {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open("equiptrack-field", 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore("round");
        open.result.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }
  async function store(name, mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const t = db.transaction(name, mode);
      const request = work(t.objectStore(name));
      t.oncomplete = () => { db.close(); resolve(request ? request.result : undefined); };
      t.onerror = t.onabort = () => { db.close(); reject(t.error); };
    });
  }
  const getRound = () => store("round", "readonly", (s) => s.get("round"));
  const putRound = (round) => store("round", "readwrite", (s) => s.put(round, "round"));
  const wipeRound = () => store("round", "readwrite", (s) => s.delete("round"));
  const entries = () => store("queue", "readonly", (s) => s.getAll());
  const putEntry = (entry) => store("queue", "readwrite", (s) => s.put(entry));
  const dropEntry = (seq) => store("queue", "readwrite", (s) => s.delete(seq));

  // ---- Words and small helpers.
  const pad = (n) => String(n).padStart(2, "0");
  const localDate = (d = new Date()) => d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  const when = (iso) => new Date(iso).toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  const day = (ymd) => (ymd ? new Date(ymd + "T12:00:00").toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" }) : "—");
  function ago(iso) {
    const minutes = Math.round((Date.now() - Date.parse(iso)) / 60000);
    if (minutes < 1) return "just now";
    if (minutes < 60) return minutes + " min ago";
    const hours = Math.round(minutes / 60);
    return hours < 48 ? hours + " h ago" : Math.round(hours / 24) + " days ago";
  }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  // An element with attributes and children; text is always text, never markup.
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of [].concat(children ?? [])) {
      if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }

  // ---- The round.
  async function keptRound() {
    const round = await getRound();
    if (!round) return null;
    if (String(round.worker_id) !== me || Date.now() - Date.parse(round.as_of) > KEPT_MS) {
      await wipeRound();
      return null;
    }
    return round;
  }

  async function refreshRound(force) {
    const kept = await keptRound();
    if (!navigator.onLine || (!force && kept && Date.now() - kept.saved_at < REFRESH_MS)) return kept;
    try {
      const response = await fetch("/api/v1/me/round", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return kept;
      const round = await response.json();
      round.saved_at = Date.now();
      await putRound(round);
      // The shell's pages carry this session's token: keep them as they are now.
      if (!kept && navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("keep-shell");
      }
      return round;
    } catch (e) {
      return kept;
    }
  }

  async function showRoundAge(round) {
    const host = document.getElementById("round-age");
    if (!host) return;
    let words = round
      ? "Round on this phone: " + round.items.length + (round.items.length === 1 ? " item" : " items") +
        ", as of " + when(round.as_of) + " (" + ago(round.as_of) + ")."
      : "No round is kept on this phone yet: open this page once with signal.";
    if (round && "serviceWorker" in navigator) {
      await navigator.serviceWorker.ready;
      words += " Ready for no signal.";
    }
    host.textContent = words;
  }

  // What the worker saw of an item, to say what changed if the server answers a conflict.
  function snapshot(item) {
    return {
      status: item.status, version: item.version, fitted_at: item.fitted_at,
      client: item.client ? item.client.name : null, worker: item.worker ? item.worker.name : null,
      checks: item.checks_due.map((d) => ({ rule: d.rule, last: d.last_checked_at, next: d.next_due })),
      defects: item.open_defects.length,
    };
  }

  function changes(seen, now) {
    if (!now) return ["The item is no longer on your round (collected, given to someone else, or condemned)."];
    const out = [];
    const field = (label, a, b) => {
      if ((a || "—") !== (b || "—")) out.push(label + ": " + (a || "—") + " → " + (b || "—"));
    };
    field("Status", STATUS_WORDS[seen.status], STATUS_WORDS[now.status]);
    field("Client", seen.client, now.client);
    field("Worker", seen.worker, now.worker);
    field("Fitted", seen.fitted_at && day(seen.fitted_at), now.fitted_at && day(now.fitted_at));
    for (const c of now.checks) {
      const before = seen.checks.find((x) => x.rule === c.rule) || {};
      field(c.rule + ", last checked", before.last && day(before.last), c.last && day(c.last));
      field(c.rule + ", next due", before.next && day(before.next), c.next && day(c.next));
    }
    field("Open defects", String(seen.defects), String(now.defects));
    if (!out.length) out.push("Someone recorded something on the item (version " + seen.version + " → " + now.version + ").");
    return out;
  }

  // ---- The queue.
  async function enqueue(tag, move, body, handoverWords) {
    const round = await keptRound();
    const found = round && round.items.find((r) => r.item.asset_tag === tag);
    if (!found) throw new Error("the item is not in the round kept on this phone");
    const item = found.item;
    await putEntry({
      key: uuid(), owner: me, tag, move, state: "waiting", recorded_at: new Date().toISOString(),
      body: Object.assign(body, { expected_version: item.version }), seen: snapshot(item),
      handover_words: handoverWords || null,
    });
    // A later move on this item, made before this one is sent, follows it: the server moves
    // the version on by one for each move.
    item.version += 1;
    found.waiting = (found.waiting || []).concat(MOVE_WORDS[move]);
    found.actions = move === "fit" ? found.actions.filter((a) => a !== "fit") : move === "checks" || move === EXAM ? found.actions : [];
    await putRound(round);
  }

  let flushing = false;
  let signInAgain = false;
  let sent = 0; // done on this page: they have left the queue, the page says so once

  async function sendWaiting() {
    let answered = false;
    for (const entry of await entries()) {
      if (entry.owner !== me || entry.state !== "waiting") continue;
      let response;
      try {
        response = await fetch("/api/v1/items/" + encodeURIComponent(entry.tag) + "/" + entry.move, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json", Accept: "application/json",
            "X-CSRF-Token": csrf, "Idempotency-Key": entry.key,
          },
          body: JSON.stringify(entry.body),
        });
      } catch (e) {
        break; // Still no connection: the entry waits, and so does every one after it.
      }
      if (response.status === 401) { signInAgain = true; break; }
      if (response.status >= 500 || response.status === 429 || response.status === 408) break;
      answered = true;
      if (response.ok) {
        await dropEntry(entry.seq);
        sent += 1;
        continue;
      }
      const problem = await response.json().catch(() => ({}));
      // A stale version is a conflict the worker can resolve; any other refusal (a 409 for a
      // status that no longer allows the move, a 422, a 403) is shown with its reason.
      entry.state = response.status === 409 && problem.current_version !== undefined ? "conflict" : "refused";
      entry.answered_at = new Date().toISOString();
      entry.problem = {
        status: response.status, detail: problem.detail || problem.title || "answered " + response.status,
        errors: problem.errors || [], current_version: problem.current_version,
      };
      await putEntry(entry);
    }
    if (!answered) return;
    // What the items are now: the round again, and for each conflict what changed.
    const round = await refreshRound(true);
    for (const entry of await entries()) {
      if (entry.state !== "conflict" || entry.now !== undefined) continue;
      const found = round && round.items.find((r) => r.item.asset_tag === entry.tag);
      entry.now = found ? snapshot(found.item) : null;
      await putEntry(entry);
    }
  }

  async function flush() {
    if (flushing || !navigator.onLine) return showQueue();
    flushing = true;
    try {
      if (navigator.locks) await navigator.locks.request("equiptrack-queue", sendWaiting);
      else await sendWaiting();
    } finally {
      flushing = false;
    }
    return showQueue();
  }

  async function reapply(seq) {
    const entry = (await entries()).find((e) => e.seq === seq);
    if (!entry) return;
    const version = entry.problem && entry.problem.current_version;
    entry.body.expected_version = version ?? (entry.now ? entry.now.version : entry.body.expected_version);
    if (entry.now) entry.seen = entry.now;
    entry.state = "waiting";
    // Another request than the one answered: a key of its own (the same key with another
    // body would be refused).
    entry.key = uuid();
    delete entry.problem;
    delete entry.now;
    await putEntry(entry);
    await flush();
  }

  function describe(entry) {
    const b = entry.body;
    const rule = entry.move === EXAM && (b.fields.find(([name]) => name === "rule") || [])[1];
    const what = entry.move === "checks" ? "Check of " + b.rule + " (" + b.outcome + ")"
      : entry.move === EXAM ? "Examination: " + rule : MOVE_WORDS[entry.move];
    return what + " · " + entry.tag;
  }

  async function showQueue() {
    const mine = (await entries()).filter((e) => e.owner === me);
    const waiting = mine.filter((e) => e.state === "waiting").length;
    const attention = mine.length - waiting;
    const badge = document.getElementById("field-badge");
    if (badge) {
      badge.hidden = mine.length === 0;
      badge.textContent = waiting + " waiting" + (attention ? " · " + attention + " to look at" : "");
      badge.classList.toggle("attention", attention > 0);
    }
    const host = document.getElementById("field-queue");
    const main = document.querySelector("main");
    let banner = document.getElementById("field-banner");
    if (!host && main && (attention || signInAgain)) {
      const words = signInAgain
        ? "Moves recorded on this phone wait to be sent: sign in again to send them."
        : attention + (attention === 1 ? " move" : " moves") + " recorded on this phone need you: ";
      const next = el("p", { id: "field-banner", class: "error", role: "alert" },
        [words, signInAgain ? null : el("a", { href: "/offline/queue" }, "see what changed")]);
      if (banner) banner.replaceWith(next); else main.prepend(next);
    } else if (banner) {
      banner.remove();
    }
    if (!host) return;
    const done = sent ? el("p", { class: "done", role: "status" }, sent + (sent === 1 ? " move" : " moves") + " sent and recorded.") : null;
    const nothing = mine.length ? null : el("p", { class: "muted" }, "Nothing waiting: everything recorded on this phone has been sent.");
    host.replaceChildren(...[done, nothing, ...mine.map(entryCard)].filter(Boolean));
  }

  function entryCard(entry) {
    const parts = [
      el("h2", {}, describe(entry)),
      entry.handover_words ? el("p", { class: "handover-said" }, entry.handover_words) : null,
      el("p", { class: "muted" }, "Recorded on this phone " + when(entry.recorded_at)),
    ];
    if (entry.state === "waiting") parts.push(el("p", {}, "Waiting for signal to be sent."));
    if (entry.state === "conflict") {
      parts.push(
        el("p", { class: "error" }, "Not recorded: the item changed before this reached the server."),
        el("ul", { class: "changes" }, changes(entry.seen, entry.now).map((c) => el("li", {}, c))),
        el("p", { class: "muted" }, entry.problem.detail),
        el("button", { type: "button", "data-reapply": entry.seq }, "Send it again on the item as it is now"),
        el("button", { type: "button", class: "secondary", "data-discard": entry.seq }, "Discard it"),
      );
    }
    if (entry.state === "refused") {
      parts.push(
        el("p", { class: "error" }, "Refused: " + entry.problem.detail),
        el("ul", {}, entry.problem.errors.map((e) => el("li", {}, e.field + ": " + e.message))),
        el("button", { type: "button", class: "secondary", "data-discard": entry.seq }, "Remove it from the phone"),
      );
    }
    return el("section", { class: "panel queued " + entry.state, "data-state": entry.state }, parts);
  }

  document.addEventListener("click", async (event) => {
    const again = event.target.closest("[data-reapply]");
    const discard = event.target.closest("[data-discard]");
    if (again) await reapply(Number(again.dataset.reapply));
    if (discard) {
      await dropEntry(Number(discard.dataset.discard));
      await showQueue();
    }
  });

  // ---- The hand-over of a fit or a collection: the fields of web::handover_form, in the
  // label's own form online and cloned from the shell's templates offline.
  const signature = () => window.EquiptrackSignature;

  // The fields from the page (the shell keeps them in a <template>), the pad set up when
  // signature.js is here already (when it comes later it sets up every pad itself).
  function handoverFields(move) {
    const template = document.getElementById("handover-" + move);
    if (!template) return null;
    const part = template.content.cloneNode(true);
    for (const s of part.querySelectorAll("script")) s.remove(); // the shell loads it once
    if (signature()) for (const pad of part.querySelectorAll("[data-signature-pad]")) signature().attach(pad);
    return part;
  }

  // The body's `handover` as the online form gives it (web::handover_form::read): null when
  // left wholly blank; blank fields left out, the server names what is missing.
  function handoverOf(f) {
    if (!f.querySelector("fieldset.handover")) return null;
    const pad = f.querySelector("[data-signature-pad]");
    if (pad && !pad.hidden && signature()) signature().png(pad); // the drawing into its field
    const d = new FormData(f);
    const text = (name) => String(d.get(name) || "");
    const h = {
      name: text("handover_name"), relation: text("handover_relation"),
      demonstrated: d.get("handover_demonstrated") === "yes", leaflet_left: d.get("handover_leaflet_left") === "yes",
      signature_png: text("handover_signature_png"), no_signature_reason: text("handover_no_signature_reason"),
    };
    const given = ["name", "relation", "signature_png", "no_signature_reason"].filter((k) => h[k].trim());
    if (!given.length && !h.demonstrated && !h.leaflet_left) return null;
    for (const k of ["name", "relation", "signature_png", "no_signature_reason"]) if (!given.includes(k)) delete h[k];
    return h;
  }

  // A hand-over the server would refuse is said now, while the worker is still in the home:
  // once queued, a refusal comes back when the person who signed is gone. The rule itself is
  // the server's (service::moves::handover); this only saves a wasted signature.
  function handoverReady(f, h) {
    if (!h) return true;
    const set = f.querySelector("fieldset.handover");
    const missing = [
      [!h.name, "handover_name", "Say who it is"],
      [!h.relation, "handover_relation", "Say who they are to the client"],
      [!h.signature_png && !h.no_signature_reason, "handover_no_signature_reason", "Have them sign, or say why there is no signature"],
    ].find(([absent]) => absent);
    if (!missing) return true;
    const clear = () => { for (const input of set.querySelectorAll("input, select")) input.setCustomValidity(""); };
    for (const name of ["input", "change", "pointerup"]) set.addEventListener(name, clear, { once: true });
    f.elements[missing[1]].setCustomValidity(missing[2]);
    f.reportValidity();
    return false;
  }

  // How the queue page says it: the relation in the form's own words.
  function handoverWords(f, h, move) {
    if (!h) return null;
    const relation = f.elements.handover_relation;
    const words = relation && relation.selectedOptions[0] ? relation.selectedOptions[0].textContent : h.relation;
    return (move === "fit" ? "Received by " : "Handed over by ") + h.name + " (" + words + "), " +
      (h.signature_png ? "signed." : "no signature: " + h.no_signature_reason + ".");
  }

  // ---- A label with no connection, from the round.
  function tagFrom() {
    const raw = location.pathname.startsWith("/s/")
      ? decodeURIComponent(location.pathname.slice(3))
      : new URLSearchParams(location.search).get("code") || "";
    const at = raw.indexOf("/s/");
    return (at >= 0 ? raw.slice(at + 3) : raw).split(/[?#]/)[0].trim().toUpperCase();
  }

  async function drawLabel(host, said) {
    const tag = tagFrom();
    const round = await keptRound();
    const found = round && round.items.find((r) => r.item.asset_tag === tag);
    if (!found) {
      host.replaceChildren(el("section", { class: "panel" }, [
        el("h1", {}, "No connection"),
        el("p", {}, round
          ? tag + " is not on the round kept on this phone (as of " + when(round.as_of) + "). With no signal only items on your round can be opened."
          : "No round is kept on this phone, so labels cannot be opened with no signal."),
      ]));
      return;
    }
    const item = found.item;
    // The server's verdict as of the round; the date it said the item stops being safe
    // (a check falling overdue) is looked up, not worked out here.
    const lapsed = found.safe_to_use && found.unsafe_from && localDate() >= found.unsafe_from;
    const safe = found.safe_to_use && !lapsed;
    const reasons = found.reasons.map((r) => r.message);
    if (lapsed) reasons.push("a check or a defect's remedy date fell due on " + day(found.unsafe_from));
    const client = item.client;
    const moves = found.actions.filter((m) => MOVE_WORDS[m]);
    host.replaceChildren(
      el("section", { class: "verdict " + (safe ? "safe" : "unsafe"), "aria-live": "polite" }, [
        el("strong", {}, safe ? "Safe to use" : "Do not use"),
        el("p", { class: "as-of" }, "Offline — as of " + when(round.as_of) + " (" + ago(round.as_of) + ")"),
        reasons.length ? el("ul", {}, reasons.map((r) => el("li", {}, r))) : null,
      ]),
      said ? el("p", { class: "done", role: "status" }, said) : null,
      el("section", { class: "panel" }, [
        el("h1", {}, [item.asset_tag + " ", el("span", { class: "muted" }, item.type.name)]),
        el("dl", {}, [
          el("dt", {}, "Status"), el("dd", {}, STATUS_WORDS[item.status]),
          el("dt", {}, "Serial"), el("dd", {}, item.serial_number || "—"),
          el("dt", {}, "Client"), el("dd", {}, client ? [client.name, el("br"), client.address + ", " + client.postcode] : "—"),
          el("dt", {}, "Fitted"), el("dd", {}, day(item.fitted_at)),
          ...item.checks_due.flatMap((d) => [
            el("dt", {}, d.rule),
            el("dd", {}, "last " + day(d.last_checked_at) + ", next due " + day(d.next_due)),
          ]),
          el("dt", {}, "Open defects"), el("dd", {}, String(item.open_defects.length)),
        ]),
        found.waiting ? el("p", { class: "muted" }, "Waiting on this phone: " + found.waiting.join(", ")) : null,
      ]),
      ...moves.flatMap((m) => moveForms(item, m)),
    );
  }

  function moveForms(item, move) {
    const form = (title, rule, fields, after) => {
      const f = el("form", { class: "panel offline-move", "data-move": move, "data-rule": rule }, [el("h2", {}, title), ...fields]);
      const notesBox = f.querySelector("textarea");
      if (notesBox) notesBox.addEventListener("input", () => notesBox.setCustomValidity(""));
      f.addEventListener("submit", async (event) => {
        event.preventDefault();
        const data = Object.fromEntries(new FormData(f));
        const outcome = event.submitter && event.submitter.value;
        if (outcome === "fail" && !data.notes) {
          notesBox.setCustomValidity("Say what failed");
          f.reportValidity();
          return;
        }
        const handover = handoverOf(f);
        if (!handoverReady(f, handover)) return;
        const body = Object.assign(after(data, outcome), { handover });
        for (const k of Object.keys(body)) if (body[k] === "" || body[k] === null) delete body[k];
        await enqueue(item.asset_tag, move, body, handoverWords(f, handover, move));
        await showQueue();
        await drawLabel(document.getElementById("offline-label"),
          "Saved on this phone: " + MOVE_WORDS[move] + ". It is sent when there is signal.");
        window.scrollTo(0, 0);
      });
      return f;
    };
    const notes = (label) => [el("label", {}, [label, el("textarea", { name: "notes" })])];
    const stamp = () => "recorded on the phone with no signal, " + when(new Date().toISOString());
    if (move === "fit") {
      return [form("Record the fit", null, [
        el("label", {}, ["Date fitted", el("input", { type: "date", name: "fitted_at", value: localDate(), max: localDate(), required: true })]),
        ...notes("Notes (optional)"),
        handoverFields("fit"),
        el("button", { type: "submit" }, "Record the fit"),
      ], (d) => ({ fitted_at: d.fitted_at, notes: d.notes }))];
    }
    if (move === "checks") {
      return item.checks_due.map((rule) => rule.kind === "examination"
        ? examForm(item, rule)
        : form(rule.rule, rule.rule, [
          ...notes("Notes (say what failed, if it failed)"),
          el("div", { class: "row" }, [
            el("button", { type: "submit", class: "pass", name: "outcome", value: "pass" }, "Passed"),
            el("button", { type: "submit", class: "fail", name: "outcome", value: "fail" }, "Failed"),
          ]),
        ], (d, outcome) => ({ rule: rule.rule, outcome, performed_at: localDate(), notes: d.notes })));
    }
    if (move === "return") {
      // A hand-over is someone at a client's home, as on the online page.
      return [form("Collect", null, [
        ...notes("Notes (optional)"),
        item.client ? handoverFields("return") : null,
        el("button", { type: "submit" }, "Collect this item"),
      ],
        (d) => ({ notes: [d.notes, stamp()].filter(Boolean).join(" · ") }))];
    }
    return [form("Quarantine", null, [
      el("label", {}, ["Reason", el("input", { type: "text", name: "reason", required: true })]),
      el("button", { type: "submit" }, "Quarantine this item"),
    ], (d) => ({ reason: d.reason + " (" + stamp() + ")" }))];
  }

  // ---- The thorough examination: the item page's form, from the shell's template.
  function examForm(item, rule) {
    const template = document.getElementById("exam-form");
    if (!template) {
      return el("section", { class: "panel" }, [el("h2", {}, rule.rule), el("p", { class: "muted" }, "The thorough examination's report needs a connection.")]);
    }
    const part = template.content.cloneNode(true);
    for (const s of part.querySelectorAll("script")) s.remove();
    // The shell was kept on an earlier day: the dates are the phone's.
    const report = part.querySelector('[name="report_date"]');
    report.value = localDate();
    report.max = localDate();
    const load = part.querySelector('[name="safe_working_load_kg"]');
    if (load && item.safe_working_load_kg != null) load.value = item.safe_working_load_kg;
    const f = el("form", { class: "panel offline-move offline-exam", "data-move": EXAM, "data-rule": rule.rule }, [
      el("h2", {}, "Record: " + rule.rule),
      el("label", {}, ["Date examined", el("input", { type: "date", name: "performed_at", value: localDate(), max: localDate(), required: true })]),
      part,
    ]);
    f.addEventListener("submit", async (event) => {
      event.preventDefault();
      await enqueue(item.asset_tag, EXAM, { fields: examPairs(f, rule.rule) });
      await showQueue();
      await drawLabel(document.getElementById("offline-label"),
        "Saved on this phone: " + MOVE_WORDS[EXAM] + ". It is sent when there is signal.");
      window.scrollTo(0, 0);
    });
    return f;
  }

  // The form's fields as the browser would post them, the rule first; never the page's CSRF
  // token or version (the queue sends its own).
  function examPairs(f, rule) {
    const pairs = Array.from(new FormData(f), ([name, value]) => [name, String(value)])
      .filter(([name]) => !["csrf", "version", "rule"].includes(name));
    return [["rule", rule], ...pairs];
  }

  // "Add another defect" in a form drawn here (defects.js binds only the forms of its page).
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".offline-exam [data-add-defect]");
    if (!button) return;
    const rows = button.parentNode.querySelectorAll(".defect");
    const row = rows[rows.length - 1].cloneNode(true);
    for (const input of row.querySelectorAll("input")) input.value = "";
    for (const select of row.querySelectorAll("select")) select.selectedIndex = 0;
    button.before(row);
    row.querySelector("input").focus();
  });

  // ---- A label's page loaded with signal, its form sent after the signal went: a fit, a
  // check (an examination's report too), a collection or a quarantine waits in the queue
  // instead of failing; any other (a condemn) says it needs a connection, and keeps what
  // was typed.
  document.addEventListener("submit", async (event) => {
    const f = event.target;
    const path = (f.getAttribute("action") || "").match(/^\/s\/([^/]+)\/([a-z]+)$/);
    if (navigator.onLine || !path) return;
    event.preventDefault();
    if (path[2] === "checks" && f.elements.examination) {
      try {
        await enqueue(decodeURIComponent(path[1]), EXAM, { fields: examPairs(f, f.elements.rule.value) });
      } catch (e) {
        // The report stays as typed, to send once there is signal.
        f.prepend(el("p", { class: "error", role: "alert" }, "No connection, and " + e.message + ": nothing was recorded."));
        return;
      }
      f.replaceWith(el("p", { class: "done", role: "status" }, "Saved on this phone: " + MOVE_WORDS[EXAM] + ". It is sent when there is signal."));
      await showQueue();
      return;
    }
    if (!MOVE_WORDS[path[2]]) {
      // Kept as typed, to send once there is signal.
      const note = el("p", { class: "error", role: "alert" }, "No connection: this needs the server. Nothing was recorded; send it again when there is signal.");
      f.prepend(note);
      return;
    }
    const [, tag, move] = path;
    const d = Object.fromEntries(new FormData(f));
    const bodies = {
      fit: () => ({ fitted_at: d.fitted_at || localDate(), notes: d.notes }),
      checks: () => ({ rule: d.rule, outcome: event.submitter && event.submitter.value, performed_at: d.performed_at || localDate(), notes: d.notes }),
      return: () => ({ notes: d.notes }),
      quarantine: () => ({ reason: d.reason }),
    };
    const handover = handoverOf(f);
    if (!handoverReady(f, handover)) return;
    const body = Object.assign(bodies[move](), { handover });
    for (const k of Object.keys(body)) if (!body[k]) delete body[k];
    let words = "Saved on this phone: " + MOVE_WORDS[move] + ". It is sent when there is signal.";
    try {
      await enqueue(decodeURIComponent(tag), move, body, handoverWords(f, handover, move));
    } catch (e) {
      words = "No connection, and " + e.message + ": nothing was recorded.";
    }
    f.replaceWith(el("p", { class: "done", role: "status" }, words));
    await showQueue();
  });

  // ---- Sign-out wipes the round (the queue stays, for this person's next sign-in).
  for (const f of document.querySelectorAll('form[action="/logout"]')) {
    f.addEventListener("submit", (event) => {
      if (f.dataset.wiped) return;
      event.preventDefault();
      f.dataset.wiped = "yes";
      wipeRound().catch(() => {}).finally(() => f.submit());
    });
  }

  async function start() {
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    tellWorker();
    const round = await refreshRound(false);
    const label = document.getElementById("offline-label");
    if (label) await drawLabel(label);
    await flush();
    await showRoundAge(round);
  }

  // The service worker answers from its cache at once while a page says it is offline.
  function tellWorker() {
    const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage(navigator.onLine ? "online" : "offline");
  }
  window.addEventListener("offline", tellWorker);
  window.addEventListener("online", () => {
    tellWorker();
    flush().then(() => refreshRound(false));
  });
  setInterval(() => { if (navigator.onLine) flush(); }, 15000);
  start();
})();
