// Voices page helpers: deadlines in the viewer's own time zone, and a countdown.
// The page reads fully without this script; it only adds the viewer's local view.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";

  function localTimes() {
    var format = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    });
    document.querySelectorAll("[data-local-time]").forEach(function (el) {
      var when = new Date(el.getAttribute("data-local-time"));
      if (isNaN(when)) return;
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

  document.addEventListener("DOMContentLoaded", function () {
    localTimes();
    countdowns();
  });
})();
