/* After a failed submit, move focus to the error summary (includes/error_summary.html) so a
   screen reader announces it and a keyboard user starts from the list of links to the fields.
   Each link moves focus to its field. No inline script (CSP without 'unsafe-inline'). */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
})();
