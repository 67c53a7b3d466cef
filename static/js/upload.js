// The entry page's resumable upload: tus-js-client sends the file in chunks,
// shows progress, speed and time left, pauses and resumes, and after a page
// reload or a dropped connection carries on from the last byte the server has.
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function megabytes(bytes, lang) {
    return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(bytes / 1048576);
  }

  function duration(seconds, lang) {
    seconds = Math.max(0, Math.round(seconds));
    var minutes = Math.floor(seconds / 60);
    var unit = function (value, name) {
      return new Intl.NumberFormat(lang, { style: "unit", unit: name, unitDisplay: "short" }).format(value);
    };
    return minutes ? unit(minutes, "minute") + " " + unit(seconds % 60, "second") : unit(seconds, "second");
  }

  function serverMessage(error) {
    var response = error && error.originalResponse;
    var body = response && response.getBody && response.getBody();
    return body && body.length < 500 ? body : null;
  }

  function setUp(box) {
    var lang = document.documentElement.lang || "en";
    var input = box.querySelector("input[type=file]");
    var startButton = box.querySelector("[data-action=start]");
    var pauseButton = box.querySelector("[data-action=pause]");
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-status]");
    var text = box.dataset;
    var upload = null;
    var lastMessage = null;
    var lastBytes = 0;
    var lastTime = 0;
    var speed = 0;

    function say(message) { status.textContent = message; }

    function start() {
      var file = input.files[0];
      if (!file) { say(text.msgChoose); input.focus(); return; }
      var maxBytes = parseInt(text.maxBytes, 10);
      if (maxBytes && file.size > maxBytes) {
        say(text.msgTooLarge);
        return;
      }
      upload = new tus.Upload(file, {
        endpoint: text.endpoint,
        chunkSize: parseInt(text.chunkBytes, 10),
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
        removeFingerprintOnSuccess: true,
        storeFingerprintForResuming: true,
        metadata: { filename: file.name, filetype: file.type, entry: text.entry },
        headers: { "X-CSRFToken": text.csrf },
        onProgress: function (sent, total) {
          var now = Date.now();
          if (lastTime && now - lastTime > 800) {
            var current = (sent - lastBytes) / ((now - lastTime) / 1000);
            speed = speed ? speed * 0.7 + current * 0.3 : current;
            lastBytes = sent; lastTime = now;
          } else if (!lastTime) { lastBytes = sent; lastTime = now; }
          bar.max = total; bar.value = sent;
          var values = {
            percent: Math.floor((sent / total) * 100),
            sent: megabytes(sent, lang), total: megabytes(total, lang),
            speed: speed ? megabytes(speed, lang) : "…",
            left: speed ? duration((total - sent) / speed, lang) : "…"
          };
          say(format(text.msgProgress, values));
        },
        // While it tries again, the server's own words (a full disk, an outage) stay on the page: the last
        // answer before giving up may be a HEAD, which carries no text.
        onShouldRetry: function (error) {
          var message = serverMessage(error);
          if (message) { lastMessage = message; say(message); }
          var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
          return (status < 400 || status > 499 || status === 409 || status === 423) && navigator.onLine !== false;
        },
        onError: function (error) {
          pauseButton.hidden = true; startButton.hidden = false; startButton.textContent = text.labelRetry;
          say(serverMessage(error) || lastMessage || text.msgFailed);
        },
        onSuccess: function () {
          say(text.msgDone);
          window.location.reload();
        }
      });
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          upload.resumeFromPreviousUpload(previous[0]);
          say(text.msgResuming);
        }
        lastBytes = 0; lastTime = 0; speed = 0;
        upload.start();
        bar.hidden = false; pauseButton.hidden = false; startButton.hidden = true;
        pauseButton.textContent = text.labelPause;
      });
    }

    startButton.addEventListener("click", start);
    pauseButton.addEventListener("click", function () {
      if (!upload) return;
      if (pauseButton.dataset.paused === "yes") {
        pauseButton.dataset.paused = "no"; pauseButton.textContent = text.labelPause;
        lastTime = 0; speed = 0; upload.start();
      } else {
        pauseButton.dataset.paused = "yes"; pauseButton.textContent = text.labelResume;
        upload.abort(); say(text.msgPaused);
      }
    });
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) return;
      var probe = new tus.Upload(file, { endpoint: text.endpoint, metadata: { entry: text.entry } });
      probe.findPreviousUploads().then(function (previous) {
        say(previous.length ? text.msgCanResume : format(text.msgChosen, { name: file.name, size: megabytes(file.size, lang) }));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.tus || !tus.isSupported) return;
    document.querySelectorAll("[data-tus-upload]").forEach(setUp);
  });
})();
