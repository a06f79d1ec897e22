/* "Add a row" for Django formsets: <button data-formset-add="PREFIX"> copies the
   <template id="PREFIX-empty"> row (Django's empty_form) into <tbody id="PREFIX-rows">. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    var prefix = button.dataset.formsetAdd;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.getElementById(prefix + "-rows");
    var index = parseInt(total.value, 10);
    // Django names the blank row __prefix__; its labels count rows from 1 (__row__).
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__row__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    if (window.cooperationAutocomplete) window.cooperationAutocomplete(rows.lastElementChild);
    var first = rows.lastElementChild.querySelector("input, select, textarea");
    if (first) first.focus();
  });
})();
