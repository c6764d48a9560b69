/*
 * Hulpwijzer chat widget. Embed with one tag:
 *   <script src="https://CHAT-HOST/widget.js" defer
 *           data-language="nl|en" data-position="right|left" data-open="false"
 *           data-color="#1d4ed8"></script>
 * The widget lives in a shadow DOM, renders every reply as text (never HTML),
 * keeps the conversation in sessionStorage only (a reload in the same tab keeps
 * it, closing the tab forgets it), sets no cookies and talks only to its own
 * server.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__hulpwijzerLoaded) return;
  window.__hulpwijzerLoaded = true;

  var origin = new URL(script.src, document.baseURI).origin;
  var data = script.dataset || {};
  var language = data.language === "en" ? "en" : "nl";
  var position = data.position === "left" ? "left" : "right";
  var openOnLoad = data.open === "true";
  var color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "";
  var STORE = "hulpwijzer.conversation";
  var escapes = [];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function load() {
    try { return JSON.parse(sessionStorage.getItem(STORE)) || null; } catch (e) { return null; }
  }

  function save(state) {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode: keep in memory */ }
  }

  function forget() {
    try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing stored */ }
  }

  function api(path, body) {
    return fetch(origin + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? "{}" : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer"
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    });
  }

  fetch(origin + "/api/widget", { credentials: "omit", referrerPolicy: "no-referrer" })
    .then(function (r) { return r.json(); })
    .then(start);

  function start(config) {
    var t = config.text[language];
    var state = load() || { id: null, messages: [], open: openOnLoad };

    var host = el("div", { id: "hulpwijzer-chat" });
    var root = host.attachShadow({ mode: "open" });
    var style = el("link", { rel: "stylesheet", href: origin + "/static/widget.css" });
    root.appendChild(style);

    var frame = el("div", { class: "hw hw-" + position, lang: language });
    if (color) frame.style.setProperty("--hw-accent", color);

    var exit = el("button", { type: "button", class: "hw-exit", title: t.exit_hint, "aria-label": t.exit + ": " + t.exit_hint }, t.exit);
    var launcher = el("button", { type: "button", class: "hw-launcher", "aria-expanded": "false", "aria-controls": "hw-panel" }, t.open);

    var panel = el("section", { id: "hw-panel", class: "hw-panel", role: "dialog", "aria-label": t.title, hidden: "" });
    var header = el("header", { class: "hw-header" });
    var titles = el("div", { class: "hw-titles" });
    titles.appendChild(el("h2", { class: "hw-title" }, t.title));
    titles.appendChild(el("p", { class: "hw-subtitle" }, t.subtitle));
    var tools = el("div", { class: "hw-tools" });
    var privacy = el("button", { type: "button", class: "hw-tool" }, t.privacy);
    var clear = el("button", { type: "button", class: "hw-tool" }, t.clear);
    var close = el("button", { type: "button", class: "hw-tool hw-close", "aria-label": t.close }, "×");
    tools.appendChild(privacy);
    tools.appendChild(clear);
    tools.appendChild(close);
    header.appendChild(titles);
    header.appendChild(tools);

    var log = el("div", { class: "hw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
    var status = el("p", { class: "hw-status", role: "status" });
    var form = el("form", { class: "hw-form" });
    var label = el("label", { for: "hw-input", class: "hw-visually-hidden" }, t.input_label);
    var input = el("textarea", { id: "hw-input", rows: "2", maxlength: String(config.max_message_chars), placeholder: t.placeholder, autocomplete: "off" });
    var send = el("button", { type: "submit", class: "hw-send" }, t.send);
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);

    panel.appendChild(header);
    panel.appendChild(log);
    panel.appendChild(status);
    panel.appendChild(form);
    frame.appendChild(exit);
    frame.appendChild(panel);
    frame.appendChild(launcher);
    root.appendChild(frame);
    document.body.appendChild(host);

    function renderText(container, text, links) {
      // Plain text, with only the known help line numbers and sites turned into links.
      var rest = text;
      (links || []).forEach(function (link) {
        var at = rest.indexOf(link.text);
        if (at < 0) return;
        container.appendChild(document.createTextNode(rest.slice(0, at)));
        var a = el("a", { href: link.href }, link.text);
        if (link.href.indexOf("tel:") !== 0) {
          a.setAttribute("target", "_blank");
          a.setAttribute("rel", "noopener noreferrer");
          a.appendChild(el("span", { class: "hw-visually-hidden" }, " " + t.new_window));
        }
        container.appendChild(a);
        rest = rest.slice(at + link.text.length);
      });
      container.appendChild(document.createTextNode(rest));
    }

    function addMessage(message, remember) {
      var item = el("div", { class: "hw-msg hw-" + message.from });
      item.appendChild(el("span", { class: "hw-visually-hidden" }, (message.from === "user" ? t.you : t.bot) + ": "));
      var body = el("p", { class: "hw-text" });
      renderText(body, message.text, message.links);
      item.appendChild(body);
      if (message.buttons && message.buttons.length) {
        var row = el("div", { class: "hw-buttons" });
        message.buttons.forEach(function (button) {
          var b = el("button", { type: "button", class: "hw-choice" }, button.title);
          b.addEventListener("click", function () { submit({ payload: button.payload }, button.title); });
          row.appendChild(b);
        });
        item.appendChild(row);
      }
      log.appendChild(item);
      log.scrollTop = log.scrollHeight;
      if (remember) {
        state.messages.push(message);
        save(state);
      }
    }

    function ensureConversation() {
      if (state.id) return Promise.resolve(state.id);
      return api("/api/conversations").then(function (r) {
        if (r.status !== 201) throw r;
        state.id = r.json.conversation_id;
        save(state);
        return state.id;
      });
    }

    function submit(body, shown) {
      status.textContent = "";
      if (shown) addMessage({ from: "user", text: shown }, true);
      send.disabled = true;
      return ensureConversation()
        .then(function (id) { return api("/api/conversations/" + encodeURIComponent(id) + "/messages", body); })
        .then(function (r) {
          if (r.status === 404) { state.id = null; save(state); return submit(body, shown); }
          if (r.status !== 200) throw r;
          r.json.replies.forEach(function (reply) {
            addMessage({ from: "bot", text: reply.text, links: reply.links, buttons: reply.buttons }, true);
          });
        })
        .catch(function (r) {
          var code = r && r.json && r.json.error && r.json.error.code;
          status.textContent = code === "message_too_long" ? t.too_long : code === "rate_limited" ? t.busy : t.error;
        })
        .then(function () { send.disabled = false; });
    }

    function setOpen(open) {
      state.open = open;
      save(state);
      panel.hidden = !open;
      launcher.setAttribute("aria-expanded", String(open));
      launcher.hidden = open;
      if (open) {
        input.focus();
        if (!state.messages.length) submit({ payload: "/greet" }, null);
      } else {
        launcher.focus();
      }
    }

    function quickExit() {
      forget();
      state = { id: null, messages: [], open: false };
      log.textContent = "";
      window.location.replace(config.exit_url);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      if (text.length > config.max_message_chars) { status.textContent = t.too_long; return; }
      input.value = "";
      submit({ text: text }, text);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    });
    launcher.addEventListener("click", function () { setOpen(true); });
    close.addEventListener("click", function () { setOpen(false); });
    exit.addEventListener("click", quickExit);
    privacy.addEventListener("click", function () { submit({ payload: "/ask_privacy" }, t.privacy); });
    clear.addEventListener("click", function () {
      forget();
      state = { id: null, messages: [], open: true };
      save(state);
      log.textContent = "";
      status.textContent = t.cleared;
      input.focus();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var now = Date.now();
      escapes = escapes.filter(function (time) { return now - time < 1500; });
      escapes.push(now);
      if (escapes.length >= 3) quickExit();
    }, true);

    state.messages.forEach(function (message) { addMessage(message, false); });
    panel.hidden = !state.open;
    launcher.hidden = state.open;
    launcher.setAttribute("aria-expanded", String(state.open));
    if (state.open && !state.messages.length) setOpen(true);
  }
})();
