// Keeps each file's processing state on the page current: polls the entry's small JSON status until the
// file is ready or needs the entrant's action. Without this script the page shows the state when loaded.
(function () {
  "use strict";
  var FIRST_DELAY = 1500, DELAY = 3000, LONGEST = 20000;

  function element(name, attributes) {
    var el = document.createElement(name);
    Object.keys(attributes).forEach(function (key) {
      if (attributes[key] !== null && attributes[key] !== undefined) el.setAttribute(key, attributes[key]);
    });
    return el;
  }

  function showPreview(box, preview, alt) {
    if (!box || !preview || box.childElementCount) return;
    if (preview.kind === "video") {
      box.appendChild(element("video", { controls: "", preload: "metadata", src: preview.src, poster: preview.poster, "aria-label": alt }));
    } else if (preview.kind === "audio") {
      if (preview.extra) box.appendChild(element("img", { src: preview.extra, alt: "" }));
      box.appendChild(element("audio", { controls: "", preload: "metadata", src: preview.src, "aria-label": alt }));
    } else {
      box.appendChild(element("img", { src: preview.src, alt: alt, width: preview.width, height: preview.height }));
    }
  }

  function update(el, data) {
    var file = data.file;
    if (!file) return;
    var label = el.querySelector("[data-processing-label]");
    if (label.textContent !== file.label) {
      label.textContent = file.label;
      label.className = "state state--" + file.state;
    }
    var message = el.querySelector("[data-processing-message]");
    message.textContent = file.message || "";
    message.hidden = !file.message;
    var line = el.querySelector("[data-processing-line]");
    if (line && line.textContent !== (file.line || "")) {
      line.textContent = file.line || "";
      line.hidden = !file.line;
    }
    var steps = el.querySelector("[data-processing-steps]");
    if (steps) {
      var items = file.steps.map(function (step) { return step.label + ": " + step.status_label; });
      var now = Array.prototype.map.call(steps.children, function (li) { return li.textContent; });
      if (items.join("\n") !== now.join("\n")) {
        steps.textContent = "";
        items.forEach(function (text) { var li = document.createElement("li"); li.textContent = text; steps.appendChild(li); });
      }
    }
    showPreview(el.querySelector("[data-processing-preview]"), file.preview, el.getAttribute("data-alt") || "");
  }

  function watch(el) {
    var url = el.getAttribute("data-processing"), delay = DELAY, failures = 0;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          update(el, data);
          if (data.final) { el.setAttribute("data-final", ""); return; }
          delay = Math.min(delay * 1.2, LONGEST);
          setTimeout(poll, delay);
        })
        .catch(function () {
          failures += 1;
          if (failures === 3) {
            var message = el.querySelector("[data-processing-message]");
            message.textContent = el.getAttribute("data-msg-unavailable");
            message.hidden = false;
          }
          setTimeout(poll, LONGEST);
        });
    }
    setTimeout(poll, FIRST_DELAY);
  }

  function start() {
    document.querySelectorAll("[data-processing]:not([data-final])").forEach(watch);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
