/* Turns every <select data-autocomplete-url> into a type-to-search field (see partners/autocomplete.py).
   The select stays the form field; a search box above it fills its options from the JSON endpoint. */
(function () {
  "use strict";

  function enhance(select) {
    if (select.dataset.autocompleteReady) return;
    select.dataset.autocompleteReady = "1";
    var search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm mb-1";
    search.placeholder = select.dataset.autocompletePlaceholder || "…";
    search.setAttribute("aria-label", (select.labels && select.labels[0] ? select.labels[0].textContent : "") + " — search");
    search.setAttribute("autocomplete", "off");
    select.parentNode.insertBefore(search, select);
    var timer = null;
    var lastQuery = "";

    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { lookUp(search.value.trim()); }, 200);
    });

    function lookUp(query) {
      if (query === lastQuery || query.length < 2) return;
      lastQuery = query;
      var url = new URL(select.dataset.autocompleteUrl, window.location.origin);
      url.searchParams.set("q", query);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { fill(data.results || []); })
        .catch(function () { /* keep what is there: the user can retry by typing */ });
    }

    function fill(results) {
      var keep = {};
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.selected || option.value === "") keep[option.value] = true;
      });
      Array.prototype.slice.call(select.options).forEach(function (option) {
        if (!keep[option.value]) option.remove();
      });
      results.forEach(function (result) {
        if (keep[String(result.id)]) return;
        select.add(new Option(result.text, result.id));
      });
      if (!select.multiple && results.length && !select.value) {
        select.value = String(results[0].id);
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-autocomplete-url]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  // Formset rows added later (htmx swaps or "add another") get the same behaviour.
  document.addEventListener("htmx:afterSwap", function (event) { enhanceAll(event.target); });
  window.cooperationAutocomplete = enhanceAll;
})();
