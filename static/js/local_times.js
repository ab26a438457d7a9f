// Group sessions' times in the reader's own time zone: each [data-local-time] element
// (with data-starts and data-ends, instants in UTC) is filled in and shown when the
// browser's clock reads those instants differently from the program's, whose zone is on
// the nearest [data-program-zone]. Without JavaScript the program's times stand alone.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var language = document.documentElement.lang || undefined;
  var options = {
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short"
  };
  document.querySelectorAll("[data-local-time]").forEach(function (output) {
    var scope = output.closest("[data-program-zone]");
    if (!scope) {
      return;
    }
    var zone = scope.getAttribute("data-program-zone");
    var starts = new Date(output.getAttribute("data-starts"));
    var ends = new Date(output.getAttribute("data-ends"));
    if (isNaN(starts) || isNaN(ends)) {
      return;
    }
    var local = new Intl.DateTimeFormat(language, options);
    var programs;
    try {
      programs = new Intl.DateTimeFormat(language, Object.assign({ timeZone: zone }, options));
    } catch (error) {
      return; // a zone this browser does not know: the program's times stand alone
    }
    var withoutZone = function (format, moment) {
      return format.formatToParts(moment).filter(function (part) {
        return part.type !== "timeZoneName";
      }).map(function (part) {
        return part.value;
      }).join("");
    };
    if (withoutZone(local, starts) === withoutZone(programs, starts)) {
      return; // the same clock (perhaps another name for the same zone): nothing to add
    }
    var range = local.formatRange ? local.formatRange(starts, ends)
      : local.format(starts) + " \u2013 " + local.format(ends);
    output.textContent = scope.getAttribute("data-local-label") + " " + range;
    output.hidden = false;
  });
})();
