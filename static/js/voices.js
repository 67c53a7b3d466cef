// Voices page helpers: deadlines in the viewer's own time zone, and a countdown.
// The page reads fully without this script; it only adds the viewer's local view.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";

  function localTimes() {
    var format = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    });
    var own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    document.querySelectorAll("[data-local-time]").forEach(function (el) {
      var when = new Date(el.getAttribute("data-local-time"));
      if (isNaN(when)) return;
      // Said only when it differs: the zone the page already shows the time in is named by data-zone.
      if (el.getAttribute("data-zone") && el.getAttribute("data-zone") === own) return;
      el.querySelector(".local-time__value").textContent = format.format(when);
      el.hidden = false;
    });
  }

  function unit(value, name) {
    return new Intl.NumberFormat(lang, { style: "unit", unit: name, unitDisplay: "long" }).format(value);
  }

  function countdowns() {
    var nodes = document.querySelectorAll("[data-countdown]");
    if (!nodes.length) return;
    function tick() {
      nodes.forEach(function (el) {
        var left = new Date(el.getAttribute("data-countdown")) - new Date();
        var value = el.querySelector(".countdown__value");
        if (!value || isNaN(left)) return;
        if (left <= 0) { value.textContent = unit(0, "minute"); return; }
        var minutes = Math.floor(left / 60000);
        var days = Math.floor(minutes / 1440);
        var hours = Math.floor((minutes % 1440) / 60);
        var parts = [];
        if (days) parts.push(unit(days, "day"));
        if (days || hours) parts.push(unit(hours, "hour"));
        parts.push(unit(minutes % 60, "minute"));
        value.textContent = parts.join(" ");
      });
    }
    tick();
    setInterval(tick, 30000);
  }

  // Counted as in submissions/words.py: runs of letters or digits between
  // spaces, and each Chinese, Japanese or Korean character on its own.
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;
  function wordCount(text) {
    var count = 0;
    text.split(/\s+/).forEach(function (token) {
      if (!token) return;
      var cjk = (token.match(CJK) || []).length;
      var rest = token.replace(CJK, "");
      count += cjk + (/[\p{L}\p{N}]/u.test(rest) ? 1 : 0);
    });
    return count;
  }

  function wordCounters() {
    var template = document.documentElement.getAttribute("data-words-template") || "%(count)s / %(max)s";
    document.querySelectorAll("textarea[data-max-words]").forEach(function (area) {
      var max = parseInt(area.getAttribute("data-max-words"), 10);
      var out = document.createElement("p");
      out.className = "word-count";
      out.id = area.id + "_wordcount";
      out.setAttribute("aria-live", "polite");
      area.insertAdjacentElement("afterend", out);
      var described = (area.getAttribute("aria-describedby") || "").trim();
      area.setAttribute("aria-describedby", (described + " " + out.id).trim());
      function update() {
        var count = wordCount(area.value);
        out.textContent = template.replace("%(count)s", count).replace("%(max)s", max);
        out.classList.toggle("word-count--over", count > max);
      }
      area.addEventListener("input", update);
      update();
    });
  }

  // Text typed into a form outlives an outage. A form marked data-keep-text is kept in this tab's storage when it
  // is sent; if the answer is the page saying it was not saved (error_base.html), the text stays, and the form
  // gets it back when the person returns to it. Any other answer means the server took it: the copy goes.
  var KEPT = "voices-unsent:";

  function storage() {
    try { return window.sessionStorage; } catch (error) { return null; }
  }

  function formKey(form) {
    return KEPT + new URL(form.action, window.location.href).pathname;
  }

  function fieldsOf(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      var type = (el.type || "").toLowerCase();
      if (!el.name || el.disabled || ["hidden", "password", "file", "submit", "button", "reset"].indexOf(type) >= 0) return;
      fields.push([el.name, el.value, type === "checkbox" || type === "radio" ? el.checked : null]);
    });
    return fields;
  }

  function putBack(form, fields) {
    fields.forEach(function (field) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== field[0]) return;
        if (field[2] === null && el.type !== "checkbox" && el.type !== "radio") el.value = field[1];
        else if (field[2] !== null && el.value === field[1]) el.checked = field[2];
        el.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }

  function keepText() {
    var store = storage();
    if (!store) return;
    var answer = document.body.getAttribute("data-sent");
    var kept = 0;
    Object.keys(store).forEach(function (key) {
      if (key.indexOf(KEPT) !== 0) return;
      var entry = JSON.parse(store.getItem(key) || "null");
      if (entry && entry.state === "sent" && answer === "not-saved") {
        entry.state = "kept";
        store.setItem(key, JSON.stringify(entry));
      } else if (!entry || entry.state === "sent") {
        store.removeItem(key);
      }
      if (entry && entry.state === "kept") kept += 1;
    });
    var note = document.querySelector("[data-kept-note]");
    if (note && kept) note.hidden = false;
    document.querySelectorAll("form[data-keep-text]").forEach(function (form) {
      var key = formKey(form);
      var entry = JSON.parse(store.getItem(key) || "null");
      if (entry && entry.state === "kept") {
        putBack(form, entry.fields);
        store.removeItem(key);
        var told = document.createElement("p");
        told.className = "message";
        told.setAttribute("role", "status");
        told.textContent = form.getAttribute("data-msg-kept") || "";
        form.insertAdjacentElement("beforebegin", told);
      }
      form.addEventListener("submit", function () {
        store.setItem(key, JSON.stringify({ state: "sent", fields: fieldsOf(form) }));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes();
    countdowns();
    wordCounters();
    keepText();
  });
})();
