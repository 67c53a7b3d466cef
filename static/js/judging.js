// The judge's workspace: keyboard shortcuts, how much of a video or audio was played, image zoom.
// Every page works without it: links and buttons do the same, and the server warns about unplayed work.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable], [contenteditable='true']"));
  }

  function shortcuts() {
    var help = document.querySelector("[data-shortcuts]");
    if (!help) return;
    var form = document.querySelector("[data-score-form]");
    var heading = document.getElementById("sheet-heading");
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typing(event.target)) {
        // Escape leaves a field, so the letters below work again (and nothing typed is lost).
        if (event.key === "Escape" && heading) { event.preventDefault(); heading.focus(); }
        return;
      }
      var link;
      switch (event.key) {
        case "n": case "j":
          link = document.querySelector("[data-shortcut='next']");
          break;
        case "p": case "k":
          link = document.querySelector("[data-shortcut='previous']");
          break;
        case "s":
          var save = document.querySelector("[data-shortcut='save']");
          if (save && form) { event.preventDefault(); form.requestSubmit(save); }
          return;
        case "1":
          var first = form && form.querySelector("input[type='number']");
          if (first) { event.preventDefault(); first.focus(); }
          return;
        case "?":
          event.preventDefault();
          help.open = true;
          help.querySelector("summary").focus();
          return;
        default:
          return;
      }
      if (link) { event.preventDefault(); link.click(); }
    });
  }

  function playedShare(media) {
    if (!media.duration || !isFinite(media.duration)) return 0;
    var seconds = 0;
    for (var i = 0; i < media.played.length; i++) seconds += media.played.end(i) - media.played.start(i);
    return Math.min(1, seconds / media.duration);
  }

  // The share played only grows on the server; it is sent every few seconds, on pause, and before submitting.
  function playTracking() {
    var media = document.querySelector("[data-played-url]");
    if (!media) return;
    var url = media.getAttribute("data-played-url");
    var csrf = media.getAttribute("data-csrf");
    var line = document.querySelector("[data-played-line]");
    var template = line ? line.getAttribute("data-template") : "";
    var format = new Intl.NumberFormat(document.documentElement.lang || "en", { style: "percent" });
    var sent = 0;
    var highest = 0;
    var timer = null;

    function body() {
      var data = new FormData();
      data.append("fraction", highest.toFixed(4));
      data.append("csrfmiddlewaretoken", csrf);
      return data;
    }
    function send() {
      if (highest <= sent + 0.001) return Promise.resolve();
      var value = highest;
      return fetch(url, { method: "POST", body: body(), credentials: "same-origin", headers: { "X-CSRFToken": csrf } })
        .then(function (answer) { if (answer.ok) sent = Math.max(sent, value); })
        .catch(function () { /* kept in `highest`; the next send carries it */ });
    }
    function update() {
      highest = Math.max(highest, playedShare(media));
      if (line && template) line.textContent = template.replace("%(percent)s", format.format(Math.floor(highest * 100) / 100));
      if (!timer) timer = setTimeout(function () { timer = null; send(); }, 4000);
    }
    media.addEventListener("timeupdate", update);
    media.addEventListener("pause", function () { update(); send(); });
    media.addEventListener("ended", function () { highest = Math.max(highest, playedShare(media)); send(); });
    window.addEventListener("pagehide", function () {
      if (highest > sent + 0.001 && navigator.sendBeacon) navigator.sendBeacon(url, body());
    });
    var form = document.querySelector("[data-score-form]");
    if (form) {
      form.addEventListener("submit", function (event) {
        if (highest <= sent + 0.001 || form.hasAttribute("data-sending")) return;
        // The server decides on the share it knows: tell it first, then send the form as the judge meant it.
        event.preventDefault();
        form.setAttribute("data-sending", "");
        var submitter = event.submitter;
        send().then(function () {
          if (submitter && submitter.name) {
            var hidden = document.createElement("input");
            hidden.type = "hidden";
            hidden.name = submitter.name;
            hidden.value = submitter.value;
            form.appendChild(hidden);
          }
          form.submit();
        });
      });
    }
  }

  // Each image of the work (one on the judge's page, one per entry on the organizers' lists) zooms on its own.
  function zoom() {
    document.querySelectorAll("[data-zoom]").forEach(function (box) {
      var row = box.nextElementSibling;
      var button = row && row.querySelector("[data-zoom-toggle]");
      if (!button) return;
      button.hidden = false;
      function toggle() {
        var zoomed = box.classList.toggle("work__image--zoomed");
        button.setAttribute("aria-pressed", zoomed ? "true" : "false");
        button.textContent = button.getAttribute(zoomed ? "data-label-out" : "data-label-in");
      }
      button.addEventListener("click", toggle);
      box.querySelector("img").addEventListener("click", toggle);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    shortcuts();
    playTracking();
    zoom();
  });
})();
