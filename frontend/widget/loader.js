// Switchboard's widget loader, served as /widget.js and embedded on a business's site with
//   <script src="https://<switchboard>/widget.js" data-key="<widget key>" async></script>
// Plain JavaScript, no framework (budget: 3 KB gzip). It draws the launcher, reports the page
// the visitor is on (live visitors, before any chat), counts unread replies while the chat is
// closed, and creates the chat's iframe only on intent (hover or focus prefetches, a click
// opens) or when a conversation is going. Everything it draws lives in a shadow root
// with inline !important styles, so the host page's CSS cannot reach it; the chat runs in the
// iframe, on our origin, out of the host page's reach.
(function () {
  var script = document.currentScript;
  if (!script || window.__switchboard) return;
  window.__switchboard = 1;
  var key = script.getAttribute("data-key") || "";
  var base = new URL(script.src).origin;
  var store = "switchboard:" + key + ":";
  // Natives only: a host page that replaced WebSocket gets no presence from here (the chat's
  // frame reports the page instead) rather than a widget that talks to its fakes.
  var native = function (f) { return typeof f == "function" && /\[native code\]/.test(Function.prototype.toString.call(f)); };
  var WS = native(window.WebSocket) && window.WebSocket;
  var get = function (k) { try { return localStorage.getItem(store + k); } catch (e) { return null; } };
  var put = function (k, v) { try { localStorage.setItem(store + k, v); } catch (e) {} };
  var config = { accent_color: "#4f46e5", position: "bottom_right", title: "Chat" };
  var frame, ready = false, opened = false, unread = 0, socket, retry = 0, title = document.title;

  var host = document.createElement("div");
  host.setAttribute("style", "all:initial!important;position:fixed!important;z-index:2147483647!important;bottom:0!important;width:0!important;height:0!important");
  var root = host.attachShadow({ mode: "open" });
  var button = document.createElement("button");
  var badge = document.createElement("span");
  var icon = '<svg width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';
  var cross = '<svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>';

  function side() { return config.position == "bottom_left" ? "left" : "right"; }
  function phone() { return innerWidth < 480; }
  var style = document.createElement("style");
  root.appendChild(style);
  root.appendChild(button);
  function draw() {
    var s = side();
    style.textContent = "button{position:fixed;bottom:20px;" + s + ":20px;width:60px;height:60px;border:0;border-radius:50%;background:" + config.accent_color +
      ";box-shadow:0 6px 20px rgba(0,0,0,.25);cursor:pointer;display:flex;align-items:center;justify-content:center;padding:0;margin:0}" +
      "button:focus-visible{outline:3px solid #93c5fd;outline-offset:3px}span{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;border-radius:11px;" +
      "background:#dc2626;color:#fff;font:600 12px/22px system-ui,sans-serif;text-align:center;padding:0 6px;box-sizing:border-box}span:empty{display:none}" +
      "iframe{position:fixed;border:0;background:transparent;color-scheme:normal;" + (phone() ? "inset:0;width:100%;height:100%" : "bottom:92px;" + s + ":20px;width:380px;height:min(620px,calc(100vh - 112px));border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.25)") + "}" +
      "iframe[hidden]{display:none}@media (prefers-reduced-motion:no-preference){button{transition:transform .15s}button:hover{transform:scale(1.06)}}";
    // The frame is never moved or re-added: that would reload the chat.
    button.innerHTML = opened ? cross : icon;
    button.setAttribute("aria-label", opened ? "Close chat" : "Open chat: " + config.title);
    button.setAttribute("aria-expanded", opened);
    badge.textContent = unread ? unread : "";
    if (!opened) button.appendChild(badge);
    button.style.display = opened && phone() ? "none" : "";
    document.title = config.unread_in_title && unread ? "(" + unread + ") " + title : title;
  }

  function page() {
    return { type: "page", url: location.href, title: document.title, referrer: document.referrer || null };
  }
  function tell(message) {
    if (ready) frame.contentWindow.postMessage(message, base);
  }
  function report() {
    title = document.title.replace(/^\(\d+\) /, "");
    if (socket && socket.readyState == 1) socket.send(JSON.stringify(page()));
    else if (!WS) tell({ sb: "page", page: page() });
  }

  // The chat's frame: created once, kept (hidden when closed) so a conversation stays live.
  function makeFrame(show) {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.title = config.title || "Chat";
      frame.hidden = true;
      frame.allow = "microphone; clipboard-write";
      frame.src = base + "/widget/frame.html?key=" + encodeURIComponent(key) + "&host=" + encodeURIComponent(location.origin);
      root.appendChild(frame);
    }
    if (show) setOpen(true);
  }
  function setOpen(open) {
    opened = open;
    if (frame) frame.hidden = !open;
    if (open) unread = 0;
    tell({ sb: open ? "open" : "closed" });
    draw();
  }

  addEventListener("message", function (e) {
    if (e.origin != base || !frame || e.source != frame.contentWindow) return;
    var m = e.data || {};
    // The chat keeps its outbox here: browsers block a third-party frame's own storage.
    if (m.sb == "ready") ready = true, tell({ sb: "init", token: get("token"), open: opened, page: WS ? null : page(), stored: { outbox: get("outbox"), prechat: get("prechat") } });
    if (m.sb == "token") put("token", m.token);
    if (m.sb == "store" && /^(outbox|prechat)$/.test(m.name)) put(m.name, String(m.value));
    if (m.sb == "close") { setOpen(false); button.focus(); }
  });

  // Presence and the unread count, before (and beside) the chat.
  function connect() {
    if (!WS) return;
    var token = get("token");
    var url = base.replace(/^http/, "ws") + "/api/widget/v1/ws?key=" + encodeURIComponent(key) + (token ? "&token=" + encodeURIComponent(token) : "");
    socket = new WS(url);
    socket.onopen = function () { retry = 0; report(); };
    socket.onmessage = function (e) {
      var f = JSON.parse(e.data);
      if (f.type == "welcome") {
        put("token", f.token);
        if (f.conversation && f.conversation.status != "resolved") makeFrame(false);
      }
      if (f.type == "message" && f.message.sender != "customer" && !opened) { unread++; makeFrame(false); draw(); }
    };
    socket.onclose = function (e) {
      socket = null;
      if (e.code == 1008 || e.code == 4003) return;
      // Backoff with jitter, so a server restart is not met by every visitor at once.
      setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, retry++)) * (0.5 + Math.random()));
    };
  }

  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      setTimeout(report, 0);
      return result;
    };
  });
  addEventListener("popstate", report);
  addEventListener("hashchange", report);
  addEventListener("resize", function () { if (frame) draw(); });
  button.addEventListener("mouseenter", function () { makeFrame(false); });
  button.addEventListener("focus", function () { makeFrame(false); });
  button.addEventListener("click", function () { if (opened) setOpen(false); else makeFrame(true); });

  function start() {
    draw();
    document.body.appendChild(host);
    // In the top layer (a manual popover) no z-index of the page, even on an element it adds
    // later, covers the launcher or the chat; the host is never moved, so the frame never reloads.
    if (host.showPopover) { host.popover = "manual"; host.showPopover(); }
    connect();
  }
  // The configuration, through the browser's own fetch, or its own XMLHttpRequest where the
  // page wrapped fetch (as error-monitoring scripts do).
  var fetchNative = native(window.fetch) && window.fetch;
  var XHR = native(window.XMLHttpRequest) && window.XMLHttpRequest;
  function configured(status, body) {
    if (status == 200 && body) { for (var k in body) config[k] = body[k]; start(); }
    // Refused (an origin the business did not list, an unknown key): no widget, and why.
    else if (body && body.error) console.warn("Switchboard chat: " + body.error.message);
    else start();
  }
  var begin = function () {
    var url = base + "/api/widget/v1/config?key=" + encodeURIComponent(key);
    if (fetchNative) fetchNative(url).then(function (r) { return r.json().then(function (b) { configured(r.status, b); }); }).catch(function () { configured(0); });
    else if (XHR) { var x = new XHR(); x.open("GET", url); x.responseType = "json"; x.onload = function () { configured(x.status, x.response); }; x.onerror = function () { configured(0); }; x.send(); }
    else start();
  };
  if (document.body) begin(); else addEventListener("DOMContentLoaded", begin);
})();
