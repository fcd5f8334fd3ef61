/* NHS careers adviser: an embeddable chat widget. Plain JS, no dependencies, no build step.

   Embed with one tag (every data-* attribute is optional; see docs/widget.md):
     <script src="https://BOT/static/widget/widget.js" data-bot-url="https://BOT/api/chat"
             data-title="NHS careers adviser" data-colour="#005eb8" defer></script>
   or set window.CareersChat = {botUrl, title, colour, ...} before the tag (data-* wins).

   Talks to the web app's POST /api/chat (a proxy to Rasa's REST channel), which answers with
   [{"text": "...", "buttons": [{"title": "...", "payload": "..."}]}] or 503 {"error": "..."}.
   Untrusted text is only ever set with textContent / text nodes, never innerHTML.
   Each bot message has a "Read aloud" button when the browser has speech synthesis
   (window.speechSynthesis, on the device: no external service). */
(function () {
  "use strict";
  if (window.CareersChatWidget) return; // loaded twice: keep the first

  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const attrs = (script && script.dataset) || {};
  const given = window.CareersChat || {};
  const opt = (key, fallback) => attrs[key] || given[key] || fallback;
  const HEX = /^#(?:[0-9a-f]{3}){1,2}$/i;
  const botUrl = new URL(opt("botUrl", "/api/chat"), location.href).href;
  const cfg = {
    botUrl: botUrl,
    title: String(opt("title", "NHS careers adviser")),
    launcherText: String(opt("launcherText", "Ask about NHS careers")),
    colour: HEX.test(opt("colour", "")) ? opt("colour") : "#005eb8",
    privacyUrl: new URL(opt("privacyUrl", "/privacy"), botUrl).href,
    greeting: String(opt("greeting", "Hi! I can tell you about jobs in the NHS: what they are " +
      "like, how to get in and what they pay. Try \u201chow do I become a paramedic?\u201d")),
    storageKey: String(opt("storageKey", "careers-chat")),
    stylesheet: opt("stylesheet", script && script.src ? new URL("widget.css", script.src).href : ""),
  };
  const OFFLINE = "Sorry, the adviser can't be reached right now. Check your connection and try again.";
  const MAX_KEPT = 200;
  const speech = (function () { // the browser's own text-to-speech, or null (then no buttons)
    try {
      const s = window.speechSynthesis;
      return s && typeof s.speak === "function" && typeof s.cancel === "function"
        && typeof window.SpeechSynthesisUtterance === "function" ? s : null;
    } catch (e) { return null; }
  })();

  // -- colours: pick text colours that keep AA contrast whatever colour the site chose -----------
  function luminance(hex) {
    const h = hex.length === 4 ? hex.replace(/\w/g, "$&$&").slice(1) : hex.slice(1);
    const [r, g, b] = [0, 2, 4].map((i) => {
      const c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  const onWhite = 1.05 / (luminance(cfg.colour) + 0.05); // contrast of the colour against white
  const onColour = onWhite >= 4.5 ? "#ffffff" : "#212b32";
  const ink = onWhite >= 4.5 ? cfg.colour : "#212b32";

  // -- storage (localStorage may be off: fall back to memory) ------------------------------------
  const memory = {};
  const store = {
    get(k) {
      try { return JSON.parse(localStorage.getItem(cfg.storageKey + ":" + k)); }
      catch (e) { return memory[k] === undefined ? null : memory[k]; }
    },
    set(k, v) {
      memory[k] = v;
      try { localStorage.setItem(cfg.storageKey + ":" + k, JSON.stringify(v)); } catch (e) { /* memory */ }
    },
  };
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function cleanButtons(buttons) {
    if (!Array.isArray(buttons)) return [];
    return buttons.filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .map((b) => ({ title: b.title, payload: b.payload }));
  }
  function cleanEntry(e) {
    if (!e || (e.who !== "user" && e.who !== "bot")) return null;
    return { who: e.who, text: typeof e.text === "string" ? e.text : "", time: String(e.time || ""),
      buttons: cleanButtons(e.buttons), image: typeof e.image === "string" ? e.image : "" };
  }
  let sender = typeof store.get("sender") === "string" ? store.get("sender") : newId();
  store.set("sender", sender);
  const kept = store.get("transcript");
  let transcript = (Array.isArray(kept) ? kept : []).map(cleanEntry).filter(Boolean);

  // -- DOM helpers: text only ever goes in as text nodes -----------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  const CHAT_ICON = "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z";
  const SPEAKER_ICON = "M3 9v6h4l5 4V5L7 9H3zm13.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1"
    + "a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z";
  function icon(d) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d || CHAT_ICON);
    svg.append(path);
    return svg;
  }
  const URLS = /\bhttps?:\/\/[^\s<>"'`]+/g;
  const TRAILING = /[.,;:!?)\]}]+$/;
  function linkify(text) { // text with http(s) links as <a>; everything else stays text
    const frag = document.createDocumentFragment();
    let last = 0;
    for (const m of text.matchAll(URLS)) {
      const url = m[0].replace(TRAILING, "");
      frag.append(text.slice(last, m.index),
        el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url,
          el("span", { class: "ccw-sr", text: " (opens in a new tab)" })));
      last = m.index + url.length;
    }
    frag.append(text.slice(last));
    return frag;
  }
  function spoken(text) { // what "Read aloud" says: a web address becomes "a link to <site>"
    return text.replace(URLS, (m) => {
      const url = m.replace(TRAILING, "");
      let site = "";
      try { site = new URL(url).hostname.replace(/^www\./, ""); } catch (e) { /* not a URL */ }
      return (site ? "a link to " + site : "a link") + m.slice(url.length);
    }).replace(/\s+/g, " ").trim();
  }
  function when(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    return d.toDateString() === new Date().toDateString() ? time
      : d.toLocaleDateString("en-GB", { day: "numeric", month: "short" }) + ", " + time;
  }

  // -- the widget --------------------------------------------------------------------------------
  const uid = "ccw-" + newId().slice(0, 8);
  const input = el("input", { id: uid + "-input", class: "ccw-input", type: "text", name: "message",
    maxlength: "2000", autocomplete: "off", placeholder: "Type your question" });
  const log = el("ol", { class: "ccw-log" });
  const typing = el("p", { class: "ccw-typing", hidden: true },
    el("span", { class: "ccw-dots", "aria-hidden": "true" }, el("span"), el("span"), el("span")),
    "The adviser is typing\u2026");
  const scroller = el("div", { class: "ccw-scroll", role: "region", tabindex: "0",
    "aria-label": "Conversation" },
    el("p", { class: "ccw-intro", text: cfg.greeting }), log, typing);
  const errorBox = el("div", { class: "ccw-error", role: "alert" });
  const live = el("div", { class: "ccw-sr", "aria-live": "polite" });
  const launcher = el("button", { type: "button", class: "ccw-launcher", "aria-expanded": "false",
    "aria-controls": uid + "-panel", "aria-haspopup": "dialog", onclick: () => open() },
    icon(CHAT_ICON), el("span", { text: cfg.launcherText }));
  const panel = el("div", { id: uid + "-panel", class: "ccw-panel", role: "dialog",
    "aria-labelledby": uid + "-title", hidden: true },
    el("div", { class: "ccw-head" },
      el("h2", { id: uid + "-title", class: "ccw-title", text: cfg.title }),
      el("button", { type: "button", class: "ccw-close", onclick: () => close() }, "Close",
        el("span", { class: "ccw-sr", text: " chat" }))),
    el("div", { class: "ccw-tools" },
      el("button", { type: "button", class: "ccw-tool", onclick: () => restart() }, "Start again"),
      el("button", { type: "button", class: "ccw-tool", onclick: () => { send("delete my data"); input.focus(); } },
        "Delete my data"),
      el("a", { class: "ccw-tool", href: cfg.privacyUrl, target: "_blank", rel: "noopener" },
        "Privacy notice", el("span", { class: "ccw-sr", text: " (opens in a new tab)" }))),
    scroller, errorBox,
    el("form", { class: "ccw-form", novalidate: true, onsubmit: submit },
      el("label", { for: input.id, class: "ccw-sr", text: "Your message" }), input,
      el("button", { type: "submit", class: "ccw-send" }, "Send")));
  const root = el("aside", { class: "ccw", "aria-label": "Careers chat", hidden: true },
    panel, launcher, live);
  root.style.setProperty("--ccw-colour", cfg.colour);
  root.style.setProperty("--ccw-on-colour", onColour);
  root.style.setProperty("--ccw-ink", ink);
  panel.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") { ev.preventDefault(); close(); }
  });

  function renderEntry(entry, withButtons) {
    const who = entry.who === "user" ? "You" : "Adviser";
    const li = el("li", { class: "ccw-msg ccw-" + entry.who },
      el("p", { class: "ccw-meta" }, el("span", { class: "ccw-who", text: who }),
        entry.time ? ", " : "", entry.time ? el("time", { datetime: entry.time, text: when(entry.time) }) : null));
    if (entry.text) {
      li.append(el("p", { class: "ccw-text" }, entry.who === "bot" ? linkify(entry.text) : entry.text));
    }
    if (speech && entry.who === "bot" && entry.text.trim()) li.append(speakButton(entry.text));
    if (/^https?:\/\//.test(entry.image)) {
      li.append(el("p", { class: "ccw-text" }, el("a", { href: entry.image, target: "_blank",
        rel: "noopener noreferrer" }, "Open the picture", el("span", { class: "ccw-sr", text: " (opens in a new tab)" }))));
    }
    if (withButtons && entry.buttons.length) {
      li.append(el("div", { class: "ccw-replies", role: "group", "aria-label": "Suggested replies" },
        ...entry.buttons.map((b) => el("button", { type: "button", class: "ccw-reply",
          onclick: () => { send(b.payload, b.title); input.focus(); } }, b.title))));
    }
    log.append(li);
  }
  // -- read aloud: the browser's speechSynthesis; one message at a time; pressed again, it stops --
  let reading = null; // {button, utterance} while a message is being read
  function speakButton(text) {
    const label = el("span", { class: "ccw-speak-label", text: "Read aloud" });
    const button = el("button", { type: "button", class: "ccw-speak" }, icon(SPEAKER_ICON), label);
    button.addEventListener("click", () => readAloud(button, text));
    return button;
  }
  function stopReading() {
    if (!reading) return;
    const button = reading.button;
    reading = null;
    button.querySelector(".ccw-speak-label").textContent = "Read aloud";
    try { speech.cancel(); } catch (e) { /* nothing to stop */ }
  }
  function readAloud(button, text) {
    const again = reading && reading.button === button;
    stopReading();
    if (again) return;
    const utterance = new window.SpeechSynthesisUtterance(spoken(text));
    utterance.lang = "en-GB";
    const done = () => {
      if (reading && reading.utterance === utterance) {
        reading = null;
        button.querySelector(".ccw-speak-label").textContent = "Read aloud";
      }
    };
    utterance.addEventListener("end", done);
    utterance.addEventListener("error", done);
    reading = { button: button, utterance: utterance };
    button.querySelector(".ccw-speak-label").textContent = "Stop reading";
    speech.speak(utterance);
  }
  function renderAll() {
    log.replaceChildren();
    let lastUser = -1;
    transcript.forEach((e, i) => { if (e.who === "user") lastUser = i; });
    transcript.forEach((e, i) => renderEntry(e, i > lastUser));
    scrollToTurn();
  }
  function scrollDown() { scroller.scrollTop = scroller.scrollHeight; }
  function scrollToTurn() { // the last question at the top, so a long answer is read from its start
    const asked = log.querySelectorAll(".ccw-user");
    scroller.scrollTop = asked.length ? asked[asked.length - 1].offsetTop - 12 : scroller.scrollHeight;
  }
  function save() {
    if (transcript.length > MAX_KEPT) transcript = transcript.slice(-MAX_KEPT);
    store.set("transcript", transcript);
  }
  function add(entry) {
    const clean = cleanEntry(Object.assign({ time: new Date().toISOString() }, entry));
    transcript.push(clean);
    save();
    renderEntry(clean, true);
    scrollDown();
  }
  function announce(text) {
    live.textContent = "";
    setTimeout(() => { live.textContent = text; }, 100);
  }
  function showError(message) {
    errorBox.replaceChildren(el("p", { class: "ccw-error-text", text: message }),
      el("button", { type: "button", class: "ccw-retry", onclick: () => { retry(); input.focus(); } }, "Retry"));
  }

  // -- talking to the bot ------------------------------------------------------------------------
  let busy = false;
  let pending = null;     // the message waiting for an answer (kept for Retry)
  let generation = 0;     // bumped by "Start again": late answers to an old conversation are dropped

  async function post(message) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 45000);
    let resp;
    try {
      resp = await fetch(cfg.botUrl, { method: "POST", signal: abort.signal,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: sender, message: message }) });
    } catch (e) {
      throw new Error(OFFLINE);
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try { data = await resp.json(); } catch (e) { /* not JSON */ }
    if (!resp.ok || !Array.isArray(data)) {
      throw new Error(data && typeof data.error === "string" && data.error ? data.error : OFFLINE);
    }
    return data;
  }
  async function deliver() {
    const mine = generation;
    busy = true;
    typing.hidden = false;
    scrollDown();
    let replies = null;
    let failure = null;
    try { replies = await post(pending); } catch (e) { failure = e.message; }
    if (mine !== generation) return;
    busy = false;
    typing.hidden = true;
    if (failure) {
      showError(failure);
      return;
    }
    pending = null;
    const said = [];
    for (const m of replies) {
      if (!m || (typeof m.text !== "string" && !m.buttons && !m.image)) continue;
      add({ who: "bot", text: m.text, buttons: m.buttons, image: m.image });
      if (m.text) said.push(m.text);
    }
    scrollToTurn();
    if (said.length) announce("Adviser: " + said.join(" "));
  }
  function send(message, shown) {
    if (busy || !message) return false;
    for (const r of log.querySelectorAll(".ccw-replies")) r.remove();
    errorBox.replaceChildren();
    add({ who: "user", text: shown || message });
    pending = message;
    deliver();
    return true;
  }
  function retry() {
    if (busy || pending === null) return;
    errorBox.replaceChildren();
    deliver();
  }
  function submit(ev) {
    ev.preventDefault();
    const text = input.value.trim();
    if (text && send(text)) input.value = "";
    input.focus();
  }
  function restart() {
    stopReading();
    generation += 1;
    busy = false;
    pending = null;
    typing.hidden = true;
    errorBox.replaceChildren();
    sender = newId();
    store.set("sender", sender);
    transcript = [];
    save();
    renderAll();
    input.value = "";
    announce("The conversation has been cleared. You can start again.");
    input.focus();
  }

  // -- open and close ----------------------------------------------------------------------------
  let opener = null;
  function open() {
    opener = document.activeElement !== document.body ? document.activeElement : null;
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    scrollToTurn();
    input.focus();
  }
  function close() {
    stopReading();
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    const back = opener && opener !== launcher && document.contains(opener) && opener.offsetParent ? opener : launcher;
    back.focus();
  }

  function mount() {
    document.body.append(root);
    renderAll();
    document.addEventListener("click", (ev) => { // any element with data-careers-chat-open opens it
      const trigger = ev.target.closest && ev.target.closest("[data-careers-chat-open]");
      if (trigger) { ev.preventDefault(); open(); }
    });
    const show = () => { root.hidden = false; };
    if (!cfg.stylesheet) return show();
    const link = el("link", { rel: "stylesheet", href: cfg.stylesheet, onload: show, onerror: show });
    document.head.append(link);
  }
  window.CareersChatWidget = { open: open, close: close, restart: restart, config: cfg,
    get sender() { return sender; } };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
