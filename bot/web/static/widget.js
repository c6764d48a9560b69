/*
 * Hulpwijzer chat widget. Embed with one tag:
 *   <script src="https://CHAT-HOST/widget.js" defer
 *           data-language="nl|en" data-position="right|left" data-open="false"
 *           data-color="#1d4ed8"></script>
 * The widget lives in a shadow DOM, renders every reply as text (never HTML),
 * keeps the conversation in sessionStorage only (a reload in the same tab keeps
 * it, closing the tab forgets it), sets no cookies and talks only to its own
 * server. When a help line card's link is opened it tells its server which line
 * and which kind of link (for the counsellors' funnel; nothing about the person).
 * Below 480 px wide, or under 500 px high (a phone, or a page zoomed
 * to 200 % or more), the open chat is a full-screen sheet.
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
  var SHEET = "(max-width: 479.98px), (max-height: 499.98px)";
  var escapes = [];
  var REPORTED_KIND = { call: "phone", chat: "chat", web: "website" };  // a card action's kind -> the funnel's (bot/web/link_clicks.py)

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

  function api(method, path, body) {
    var options = { method: method, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" };
    if (body !== undefined) {
      options.headers = { "Content-Type": "application/json" };
      options.body = JSON.stringify(body);
    }
    return fetch(origin + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, json: json };
      });
    });
  }

  function isTouch() {
    return (window.matchMedia && window.matchMedia("(pointer: coarse)").matches) || "ontouchstart" in window;
  }

  fetch(origin + "/api/widget", { credentials: "omit", referrerPolicy: "no-referrer" })
    .then(function (r) { return r.json(); })
    .then(start);

  function start(config) {
    var t = config.text[language];
    var state = load() || { id: null, messages: [], open: openOnLoad, scroll: null };
    var sheet = window.matchMedia ? window.matchMedia(SHEET) : { matches: false };
    var busy = false;
    var pageLock = null;

    var host = el("div", { id: "hulpwijzer-chat" });
    var root = host.attachShadow({ mode: "open" });
    var sheetLink = el("link", { rel: "stylesheet", href: origin + "/static/widget.css" });
    var styled = new Promise(function (resolve) {
      // The log only scrolls once its styles apply: a kept scroll position is restored after that.
      sheetLink.addEventListener("load", resolve);
      sheetLink.addEventListener("error", resolve);
    });
    root.appendChild(sheetLink);

    var frame = el("div", { class: "hw hw-" + position, lang: language });
    if (color) frame.style.setProperty("--hw-accent", color);

    var exit = el("button", { type: "button", class: "hw-exit", title: t.exit_hint, "aria-label": t.exit + ": " + t.exit_hint }, t.exit);
    var launcher = el("button", { type: "button", class: "hw-launcher", "aria-expanded": "false", "aria-controls": "hw-panel" }, t.open);

    var panel = el("section", { id: "hw-panel", class: "hw-panel", role: "dialog", "aria-labelledby": "hw-title", hidden: "" });
    var header = el("header", { class: "hw-header" });
    var top = el("div", { class: "hw-top" });
    var titles = el("div", { class: "hw-titles" });
    var title = el("h2", { id: "hw-title", class: "hw-title", tabindex: "-1" }, t.title);
    titles.appendChild(title);
    titles.appendChild(el("p", { class: "hw-subtitle" }, t.subtitle));
    top.appendChild(titles);
    var tools = el("div", { class: "hw-tools" });
    var privacy = el("button", { type: "button", class: "hw-tool" }, t.privacy);
    var clear = el("button", { type: "button", class: "hw-tool hw-clear", "aria-controls": "hw-confirm", "aria-expanded": "false", "aria-label": t.clear });
    clear.appendChild(el("span", { class: "hw-long" }, t.clear));
    clear.appendChild(el("span", { class: "hw-short", "aria-hidden": "true" }, t.clear_short));
    var close = el("button", { type: "button", class: "hw-tool hw-close", "aria-label": t.close, title: t.close }, "×");
    tools.appendChild(privacy);
    tools.appendChild(clear);
    tools.appendChild(close);
    header.appendChild(top);
    header.appendChild(tools);

    var confirmBox = el("div", { id: "hw-confirm", class: "hw-confirm", role: "group", "aria-labelledby": "hw-confirm-text", hidden: "" });
    confirmBox.appendChild(el("p", { id: "hw-confirm-text", class: "hw-confirm-text" }, t.clear_question));
    var confirmRow = el("div", { class: "hw-confirm-buttons" });
    var confirmYes = el("button", { type: "button", class: "hw-confirm-yes" }, t.clear_yes);
    var confirmNo = el("button", { type: "button", class: "hw-confirm-no" }, t.clear_no);
    confirmRow.appendChild(confirmYes);
    confirmRow.appendChild(confirmNo);
    confirmBox.appendChild(confirmRow);

    var log = el("div", { class: "hw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", "aria-label": t.title });
    var typing = el("div", { class: "hw-typing", "aria-hidden": "true", hidden: "" });
    var dots = el("p", { class: "hw-text hw-dots" });
    dots.appendChild(el("span"));
    dots.appendChild(el("span"));
    dots.appendChild(el("span"));
    typing.appendChild(dots);
    var live = el("p", { class: "hw-visually-hidden", role: "status" });
    var status = el("p", { class: "hw-status", role: "status" });
    var form = el("form", { class: "hw-form" });
    var label = el("label", { for: "hw-input", class: "hw-visually-hidden" }, t.input_label);
    var input = el("textarea", { id: "hw-input", rows: "2", maxlength: String(config.max_message_chars), placeholder: t.placeholder, autocomplete: "off" });
    var send = el("button", { type: "submit", class: "hw-send" }, t.send);
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);

    panel.appendChild(header);
    panel.appendChild(confirmBox);
    panel.appendChild(log);
    panel.appendChild(live);
    panel.appendChild(status);
    panel.appendChild(form);
    frame.appendChild(exit);
    frame.appendChild(panel);
    frame.appendChild(launcher);
    root.appendChild(frame);
    document.body.appendChild(host);

    function link(href, text, className) {
      var a = el("a", { href: href }, text);
      if (className) a.setAttribute("class", className);
      if (href.indexOf("tel:") !== 0) {
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer");
        a.appendChild(el("span", { class: "hw-visually-hidden" }, " " + t.new_window));
      }
      return a;
    }

    function renderText(container, text, links) {
      // Plain text, with only the known help line numbers and sites turned into links.
      var rest = text;
      (links || []).forEach(function (known) {
        var at = rest.indexOf(known.text);
        if (at < 0) return;
        container.appendChild(document.createTextNode(rest.slice(0, at)));
        container.appendChild(link(known.href, known.text));
        rest = rest.slice(at + known.text.length);
      });
      container.appendChild(document.createTextNode(rest));
    }

    function actionLink(action, open) {
      // A card's action: "Bel nu 0800-0432", "Chat nu", "Website"; "now" only while the line is open.
      var words = action.kind === "call" ? (open ? t.call_now : t.call) : action.kind === "chat" ? (open ? t.chat_now : t.chat) : t.web;
      var a = link(action.href, "", "hw-action hw-action-" + action.kind);
      a.insertBefore(el("span", { class: "hw-action-label" }, words), a.firstChild);
      if (action.kind === "call") a.insertBefore(el("span", { class: "hw-action-detail" }, action.text), a.childNodes[1] || null);
      if (action.kind === "web") a.setAttribute("aria-label", words + ": " + action.text + " " + t.new_window);
      return a;
    }

    function reportOpening(a, line, kind) {
      // The funnel: tell the server which line's link was opened. Never in the way of the link itself.
      a.addEventListener("click", function () {
        if (!state.id || !REPORTED_KIND[kind]) return;
        try {
          fetch(origin + "/api/conversations/" + encodeURIComponent(state.id) + "/link-opened", {
            method: "POST", keepalive: true, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ helpline: line, kind: REPORTED_KIND[kind] })
          }).catch(function () { /* not counted */ });
        } catch (e) { /* not counted */ }
      });
      return a;
    }

    function renderCard(card) {
      var open = card.status === "open" || card.status === "always";
      var box = el("div", { class: "hw-card" });
      box.appendChild(el("p", { class: "hw-card-name" }, card.name));
      var line = el("p", { class: "hw-card-status hw-card-" + card.status });
      line.appendChild(el("span", { class: "hw-dot", "aria-hidden": "true" }));
      line.appendChild(document.createTextNode(card.status_text));
      box.appendChild(line);
      var actions = el("div", { class: "hw-card-actions" });
      card.actions.forEach(function (action) { actions.appendChild(reportOpening(actionLink(action, open), card.line, action.kind)); });
      box.appendChild(actions);
      var more = el("details", { class: "hw-card-more" });
      more.appendChild(el("summary", {}, t.more + " " + card.name));
      if (card.audience) more.appendChild(el("p", {}, card.audience));
      var facts = [card.free ? t.free : "", card.anonymous === "yes" ? t.anonymous : card.anonymous === "possible" ? t.anonymous_possible : ""];
      facts = facts.filter(Boolean);
      if (facts.length) more.appendChild(el("p", { class: "hw-card-facts" }, facts.join(" · ")));
      if (card.more.length) {
        var list = el("ul", { class: "hw-card-contacts" });
        card.more.forEach(function (action) {
          var item = el("li");
          item.appendChild(document.createTextNode((action.kind === "call" ? t.call : action.kind === "chat" ? t.chat : t.web) + ": "));
          item.appendChild(reportOpening(link(action.href, action.text), card.line, action.kind));
          list.appendChild(item);
        });
        more.appendChild(list);
      }
      box.appendChild(more);
      return box;
    }

    function addMessage(message, remember) {
      var item = el("div", { class: "hw-msg hw-" + message.from + (message.card ? " hw-card-msg" : "") });
      item.appendChild(el("span", { class: "hw-visually-hidden" }, (message.from === "user" ? t.you : t.bot) + ": "));
      if (message.card) {
        item.appendChild(renderCard(message.card));
      } else {
        var body = el("p", { class: "hw-text" });
        renderText(body, message.text, message.links);
        item.appendChild(body);
      }
      if (message.buttons && message.buttons.length) {
        var row = el("div", { class: "hw-buttons" });
        message.buttons.forEach(function (button) {
          var b = el("button", { type: "button", class: "hw-choice" }, button.title);
          b.addEventListener("click", function () { submit({ payload: button.payload }, button.title); });
          row.appendChild(b);
        });
        item.appendChild(row);
      }
      log.insertBefore(item, typing);
      if (remember) {
        state.messages.push(message);
        save(state);
      }
      return item;
    }

    function scrollToEnd() { log.scrollTop = log.scrollHeight; }

    function scrollToMessage(item) {
      // The first new bubble at the top of the log, not the bottom: a long reply is read from its start.
      log.scrollTop += item.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
    }

    function showStatus(text, links, isError) {
      status.textContent = "";
      status.className = "hw-status" + (isError ? " hw-error" : "");
      if (text) renderText(status, text, links);
    }

    function setTyping(on) {
      typing.hidden = !on;
      live.textContent = on ? t.typing : "";
      if (on) scrollToEnd();
    }

    function ensureConversation() {
      if (state.id) return Promise.resolve(state.id);
      return api("POST", "/api/conversations", {}).then(function (r) {
        if (r.status !== 201) throw r;
        state.id = r.json.conversation_id;
        save(state);
        return state.id;
      });
    }

    function submit(body, shown) {
      if (busy) return Promise.resolve();
      body.language = language;  // the page's language: the bot uses it until the person's own words show one
      showStatus("");
      hideConfirm();
      if (shown) addMessage({ from: "user", text: shown }, true);
      busy = true;
      send.disabled = true;
      setTyping(true);
      return ensureConversation()
        .then(function (id) { return api("POST", "/api/conversations/" + encodeURIComponent(id) + "/messages", body); })
        .then(function (r) {
          if (r.status === 404) {
            state.id = null;
            save(state);
            return ensureConversation().then(function (id) {
              return api("POST", "/api/conversations/" + encodeURIComponent(id) + "/messages", body);
            });
          }
          return r;
        })
        .then(function (r) {
          if (r.status !== 200) throw r;
          setTyping(false);
          var first = null;
          r.json.replies.forEach(function (reply) {
            var item = addMessage({ from: "bot", text: reply.text, links: reply.links, buttons: reply.buttons, card: reply.card }, true);
            first = first || item;
          });
          if (first) scrollToMessage(first);
        })
        .catch(function (r) {
          var code = r && r.json && r.json.error && r.json.error.code;
          if (code === "message_too_long") showStatus(t.too_long, [], true);
          else if (code === "rate_limited") showStatus(t.busy, [], true);
          else showStatus(t.error, config.error_links[language], true);
        })
        .then(function () {
          setTyping(false);
          busy = false;
          send.disabled = false;
          rememberScroll();
        });
    }

    function lockPage(lock) {
      // While the sheet covers the screen, the page behind it does not scroll.
      var page = document.documentElement, body = document.body;
      if (lock && !pageLock) {
        pageLock = { page: page.style.overflow, body: body.style.overflow };
        page.style.overflow = "hidden";
        body.style.overflow = "hidden";
      } else if (!lock && pageLock) {
        page.style.overflow = pageLock.page;
        body.style.overflow = pageLock.body;
        pageLock = null;
      }
    }

    function layout() {
      // The quick exit sits in the panel's header while the chat is open, above the launcher while it is closed.
      var asSheet = sheet.matches && state.open;
      frame.classList.toggle("hw-open", state.open);
      frame.classList.toggle("hw-sheet", asSheet);
      if (asSheet) panel.setAttribute("aria-modal", "true"); else panel.removeAttribute("aria-modal");
      var place = state.open ? top : frame;
      if (exit.parentNode !== place) place.insertBefore(exit, state.open ? null : panel);
      lockPage(asSheet);
    }

    function setOpen(open) {
      state.open = open;
      save(state);
      panel.hidden = !open;
      launcher.setAttribute("aria-expanded", String(open));
      launcher.hidden = open;
      layout();
      if (open) {
        restoreScroll();
        if (isTouch()) title.focus({ preventScroll: true });  // no keyboard popping up over the buttons
        else input.focus({ preventScroll: true });
        if (!state.messages.length) submit({ payload: "/greet" }, null);
      } else {
        hideConfirm();
        launcher.focus();
      }
    }

    function focusables() {
      return Array.prototype.filter.call(
        panel.querySelectorAll("button:not([disabled]), a[href], textarea, summary, [tabindex='0']"),
        function (node) { return node.getClientRects().length > 0; }
      );
    }

    panel.addEventListener("keydown", function (event) {
      // The sheet covers the page: Tab goes round inside it instead of into the hidden page behind.
      if (event.key !== "Tab" || !frame.classList.contains("hw-sheet")) return;
      var items = focusables();
      if (!items.length) return;
      var active = root.activeElement;
      if (event.shiftKey && (active === items[0] || items.indexOf(active) < 0)) {
        items[items.length - 1].focus();
        event.preventDefault();
      } else if (!event.shiftKey && active === items[items.length - 1]) {
        items[0].focus();
        event.preventDefault();
      }
    });

    var scrollTimer = null;
    function rememberScroll() {
      if (panel.hidden) return;
      state.scroll = log.scrollTop;
      save(state);
    }
    function restoreScroll() {
      styled.then(function () {
        if (typeof state.scroll === "number") log.scrollTop = state.scroll;
        else scrollToEnd();
      });
    }
    log.addEventListener("scroll", function () {
      clearTimeout(scrollTimer);
      scrollTimer = setTimeout(rememberScroll, 150);
    });

    function showConfirm() {
      confirmBox.hidden = false;
      clear.setAttribute("aria-expanded", "true");
      confirmNo.focus();
    }

    function hideConfirm() {
      if (confirmBox.hidden) return;
      confirmBox.hidden = true;
      clear.setAttribute("aria-expanded", "false");
    }

    function clearLocal() {
      forget();
      state = { id: null, messages: [], open: true, scroll: null };
      save(state);
      Array.prototype.slice.call(log.querySelectorAll(".hw-msg:not(.hw-typing), .hw-note")).forEach(function (node) { node.remove(); });
    }

    function clearConversation() {
      // Delete it on the server first; the browser copy goes only when the server's is gone (or was never there).
      if (busy) return;
      busy = true;
      confirmYes.disabled = true;
      var done = state.id
        ? api("DELETE", "/api/conversations/" + encodeURIComponent(state.id))
        : Promise.resolve({ status: 404, json: {} });
      done
        .then(function (r) {
          if (r.status !== 200 && r.status !== 404) throw r;
          hideConfirm();
          clearLocal();
          log.insertBefore(el("p", { class: "hw-note" }, t.cleared), typing);  // said once, not kept
          (isTouch() ? title : input).focus({ preventScroll: true });
        })
        .catch(function () {
          hideConfirm();
          showStatus(t.clear_failed, [], true);
          clear.focus();
        })
        .then(function () {
          busy = false;
          confirmYes.disabled = false;
        });
    }

    function quickExit() {
      forget();
      state = { id: null, messages: [], open: false, scroll: null };
      log.textContent = "";
      lockPage(false);
      window.location.replace(config.exit_url);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || busy) return;
      if (text.length > config.max_message_chars) { showStatus(t.too_long, [], true); return; }
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
    clear.addEventListener("click", function () { if (confirmBox.hidden) showConfirm(); else hideConfirm(); });
    confirmNo.addEventListener("click", function () { hideConfirm(); clear.focus(); });
    confirmYes.addEventListener("click", clearConversation);
    if (sheet.addEventListener) sheet.addEventListener("change", layout);
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      if (!confirmBox.hidden) { hideConfirm(); clear.focus(); }
      var now = Date.now();
      escapes = escapes.filter(function (time) { return now - time < 1500; });
      escapes.push(now);
      if (escapes.length >= 3) quickExit();
    }, true);

    log.appendChild(typing);
    state.messages.forEach(function (message) { addMessage(message, false); });
    panel.hidden = !state.open;
    launcher.hidden = state.open;
    launcher.setAttribute("aria-expanded", String(state.open));
    layout();
    if (state.open) restoreScroll();
    if (state.open && !state.messages.length) setOpen(true);
  }
})();
