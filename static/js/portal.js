/* Small behaviours every page may use, declared in the markup with data- attributes (the
   Content-Security-Policy allows no inline script or event handler attributes):
   - data-submit-on-change: a select that submits its form when changed (the language switch);
   - data-select-on-focus: a read-only field whose text is selected when focused (a secret to copy). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var control = event.target.closest("[data-submit-on-change]");
    if (control && control.form) control.form.submit();
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) event.target.select();
  });
})();
/* After a failed submit: the error summary (data-focus-on-load) takes the focus, and a link in it
   moves the focus to the control it names, not only the view. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var summary = document.querySelector("[data-focus-on-load]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var control = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!control) return;
    event.preventDefault();
    control.scrollIntoView({ block: "center" });
    control.focus();
  });
});
