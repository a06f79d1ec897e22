/* Turns every <select data-autocomplete-url> into a search box with a list of matches, after the
   ARIA 1.2 combobox pattern: a text box (role="combobox") that controls a listbox of the matches
   the JSON endpoint gives (partners/autocomplete.py). The select stays the form field and shows
   what is chosen. A match is chosen only by the user (arrow keys and Enter, or a click), never
   silently; a polite live region says how many were found, or that none was and the choice is
   unchanged. */
(function () {
  "use strict";
  var made = 0;

  function fieldName(select) {
    var label = select.getAttribute("aria-label");
    if (!label && select.labels && select.labels[0]) label = select.labels[0].textContent.trim();
    return label || "";
  }

  function enhance(select) {
    if (select.dataset.autocompleteReady) return;
    select.dataset.autocompleteReady = "1";
    var id = select.id || "autocomplete-" + (made += 1);
    var name = fieldName(select);

    var search = document.createElement("input");
    search.type = "text";
    search.id = id + "-search";
    search.className = "form-control form-control-sm";
    search.placeholder = select.dataset.autocompletePlaceholder || "…";
    search.autocomplete = "off";
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-autocomplete", "list");
    search.setAttribute("aria-expanded", "false");
    search.setAttribute("aria-controls", id + "-matches");
    search.setAttribute("aria-label", name + " — " + (select.dataset.autocompleteSearch || "search"));

    var list = document.createElement("ul");
    list.id = id + "-matches";
    list.className = "autocomplete-matches list-group";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", name);
    list.hidden = true;

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    var box = document.createElement("div");
    box.className = "autocomplete mb-1";
    box.append(search, list, status);
    select.parentNode.insertBefore(box, select);

    var timer = null;
    var lastQuery = "";
    var active = -1;

    function options() { return list.querySelectorAll("[role=option]"); }

    function open(isOpen) {
      list.hidden = !isOpen;
      search.setAttribute("aria-expanded", isOpen ? "true" : "false");
      if (!isOpen) highlight(-1);
    }

    function highlight(index) {
      var all = options();
      active = index;
      all.forEach(function (option, at) {
        option.classList.toggle("active", at === index);
        option.setAttribute("aria-selected", at === index ? "true" : "false");
      });
      if (index >= 0 && all[index]) {
        search.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        search.removeAttribute("aria-activedescendant");
      }
    }

    function show(results, message) {
      list.replaceChildren();
      results.forEach(function (result, index) {
        var option = document.createElement("li");
        option.id = id + "-match-" + index;
        option.className = "list-group-item list-group-item-action py-1";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.value = String(result.id);
        option.textContent = result.text;
        list.appendChild(option);
      });
      open(results.length > 0);
      status.textContent = message || "";
    }

    function choose(option) {
      var value = option.dataset.value;
      var existing = Array.prototype.find.call(select.options, function (item) { return item.value === value; });
      if (!select.multiple) {
        Array.prototype.slice.call(select.options).forEach(function (item) {
          if (item.value !== "" && item.value !== value) item.remove();
        });
      }
      if (!existing) {
        existing = new Option(option.textContent, value);
        select.add(existing);
      }
      existing.selected = true;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      open(false);
      search.value = "";
      lastQuery = "";
      status.textContent = (select.dataset.autocompleteChosen || "%s").replace("%s", option.textContent);
    }

    function lookUp(query) {
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < 2) { show([], ""); return; }
      var url = new URL(select.dataset.autocompleteUrl, window.location.origin);
      url.searchParams.set("q", query);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (query === lastQuery) show(data.results || [], data.message); })
        .catch(function () { /* keep what is there: the user can retry by typing */ });
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { lookUp(search.value.trim()); }, 200);
    });

    search.addEventListener("keydown", function (event) {
      var count = options().length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault();
        if (list.hidden) open(true);
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(active < 0 && step < 0 ? count - 1 : (active + step + count) % count);
      } else if (event.key === "Enter") {
        // Enter picks the highlighted match; with the list open it never submits the form.
        if (list.hidden) return;
        event.preventDefault();
        if (active >= 0) choose(options()[active]);
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); open(false); }
        else if (search.value) { event.preventDefault(); search.value = ""; lastQuery = ""; }
      }
    });

    // A click on a match chooses it; mousedown would otherwise take the focus from the box first.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) choose(option);
    });
    search.addEventListener("blur", function () { open(false); });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-autocomplete-url]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  // Formset rows added later ("add a row") get the same behaviour.
  document.addEventListener("htmx:afterSwap", function (event) { enhanceAll(event.target); });
  window.cooperationAutocomplete = enhanceAll;
})();
