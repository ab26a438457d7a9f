// Live poll counts on a facilitator's session page: every few seconds, ask the page's
// JSON endpoint (same origin, the session's cookie) for the counts and write each into
// the element whose data-count names it ("<poll kind>.answered" or
// "<poll kind>.<question>.<choice>"). Stops when the polls close or an answer fails
// (signed out, the page no longer ours); the page then says so. Without JavaScript the
// counts are those of the page's loading, and a reload shows the latest.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-results]");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-live-results");
  var delay = (parseInt(root.getAttribute("data-refresh-seconds"), 10) || 5) * 1000;
  var status = root.querySelector("[data-live-status]");
  var cells = {};
  root.querySelectorAll("[data-count]").forEach(function (cell) {
    cells[cell.getAttribute("data-count")] = cell;
  });

  function write(key, value) {
    var cell = cells[key];
    if (cell && cell.textContent !== String(value)) {
      cell.textContent = String(value);
    }
  }

  function show(data) {
    data.polls.forEach(function (poll) {
      write(poll.kind + ".answered", poll.answered);
      poll.questions.forEach(function (question) {
        question.choices.forEach(function (choice) {
          write([poll.kind, question.code, choice.code].join("."), choice.count);
        });
      });
    });
  }

  function stop(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.refresh) {
          window.setTimeout(refresh, delay);
        } else {
          stop(root.getAttribute("data-closed-message"));
        }
      })
      .catch(function () {
        stop(root.getAttribute("data-stopped-message"));
      });
  }

  window.setTimeout(refresh, delay);
})();
