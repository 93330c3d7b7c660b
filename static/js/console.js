// craigleads console: turns server events from /ws/events/ into htmx triggers.
// Elements refresh themselves with hx-trigger="lead-created from:body"; no inline
// scripts, so the Content-Security-Policy stays strict.
(function () {
  "use strict";
  var body = document.body;
  var url = body && body.getAttribute("data-events-url");
  if (!url || !window.WebSocket) { return; }
  var status = document.getElementById("live-status");
  var delay = 1000;

  function setLive(on) {
    if (!status) { return; }
    status.classList.toggle("on", on);
    status.title = on ? "Live updates on" : "Live updates reconnecting";
  }

  function toast(text) {
    var box = document.getElementById("toasts");
    if (!box) { return; }
    var item = document.createElement("div");
    item.className = "toast";
    item.textContent = text; // event data is text, never HTML
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 6000);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + url);
    socket.onopen = function () { delay = 1000; setLive(true); };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (!event || typeof event.type !== "string") { return; }
      var name = event.type.replace(/[^a-z0-9]+/gi, "-");
      if (window.htmx) {
        window.htmx.trigger(body, name, event.data || {});
        // Per-object names, so a fragment can listen for its own row without an
        // htmx trigger filter (filters evaluate JavaScript, which the CSP forbids).
        if (event.data && event.data.draft_id) {
          window.htmx.trigger(body, "draft-" + event.data.draft_id + "-changed", event.data);
        }
        if (event.data && event.data.lead_id) {
          window.htmx.trigger(body, "lead-" + event.data.lead_id + "-changed", event.data);
        }
      }
      body.dispatchEvent(new CustomEvent("craigleads:" + name, { detail: event.data }));
      if (event.type === "lead.alert" && event.data && event.data.title) {
        toast("Grade " + (event.data.grade || "A") + " lead: " + event.data.title);
      }
    };
    socket.onclose = function (closeEvent) {
      setLive(false);
      if (closeEvent.code === 4401 || closeEvent.code === 4403) { return; }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();

  // Keyboard: "/" focuses the search box where a page has one.
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement === body) {
      var search = document.querySelector("input[type=search]");
      if (search) { e.preventDefault(); search.focus(); }
    }
  });
})();

// Approval queue keys: j/k move between drafts, a approves, r rejects (focuses
// the reason), e edits (focuses the subject). Ignored while typing in a field.
(function () {
  "use strict";
  function cards() { return Array.prototype.slice.call(document.querySelectorAll("article.draft")); }
  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("article.draft") : null;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    var list = cards();
    if (!list.length) { return; }
    var card = current();
    var index = card ? list.indexOf(card) : -1;
    if (e.key === "j" || e.key === "k") {
      var next = e.key === "j" ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
      list[next].focus();
      list[next].scrollIntoView({ block: "nearest" });
      e.preventDefault();
      return;
    }
    if (!card) { return; }
    if (e.key === "a") {
      var approve = card.querySelector("button[data-key=a]");
      if (approve) { approve.click(); e.preventDefault(); }
    } else if (e.key === "r") {
      var reason = card.querySelector("form.reject input[name=reason]");
      if (reason) { reason.focus(); e.preventDefault(); }
    } else if (e.key === "e") {
      var subject = card.querySelector(".edit-form input[name=subject]");
      if (subject) { subject.focus(); e.preventDefault(); }
    }
  });
})();

// Lead list keys: j/k move between rows (Enter opens the focused lead), x selects
// the row for a bulk action. Ignored while typing in a field.
(function () {
  "use strict";
  function links() { return Array.prototype.slice.call(document.querySelectorAll("table.leads tbody td.title a")); }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    var list = links();
    if (!list.length) { return; }
    var index = list.indexOf(document.activeElement);
    if (e.key === "j" || e.key === "k") {
      var next = e.key === "j" ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
      list[next].focus();
      list[next].scrollIntoView({ block: "nearest" });
      e.preventDefault();
    } else if (e.key === "x" && index >= 0) {
      var box = list[index].closest("tr").querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; e.preventDefault(); }
    }
  });

  // The table refreshes itself when leads arrive or are scored; keep the rows the
  // operator selected, the chosen bulk action and the focused row across that swap.
  var kept = null;
  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail && e.detail.target;
    if (!target || target.id !== "lead-table") { return; }
    var active = document.activeElement;
    var row = active && active.closest && target.contains(active) ? active.closest("tr") : null;
    var focusBox = row ? row.querySelector("input[name=lead_ids]") : null;
    var action = target.querySelector("select[name=action]");
    kept = {
      action: action ? action.value : null,
      checked: Array.prototype.map.call(
        target.querySelectorAll("input[name=lead_ids]:checked"),
        function (box) { return box.value; }
      ),
      focused: focusBox ? focusBox.value : null
    };
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!kept) { return; }
    var table = document.getElementById("lead-table");
    if (!table) { kept = null; return; }
    var action = table.querySelector("select[name=action]");
    if (action && kept.action) { action.value = kept.action; }
    Array.prototype.forEach.call(table.querySelectorAll("input[name=lead_ids]"), function (box) {
      if (kept.checked.indexOf(box.value) >= 0) { box.checked = true; }
      if (kept.focused === box.value) {
        var link = box.closest("tr").querySelector("td.title a");
        if (link) { link.focus({ preventScroll: true }); }
      }
    });
    kept = null;
  });
})();
