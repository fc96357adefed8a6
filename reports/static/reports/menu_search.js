// Suggestions for the dashboards' mission and unit filters when there are too many to list:
// the box takes an acronym; as one types, the options whose acronym or name match are fetched
// and offered in the box's list. Without this script an acronym typed in full still works.
(function () {
  "use strict";

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    var timer = null;
    var asked = null;
    if (!list || !url) {
      return;
    }
    function fill(results) {
      list.replaceChildren();
      results.forEach(function (option) {
        var item = document.createElement("option");
        item.value = option.value;
        item.label = option.label;
        item.textContent = option.label;
        list.appendChild(item);
      });
    }
    function suggest() {
      var query = input.value.trim();
      if (query === asked) {
        return;
      }
      asked = query;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (asked === query) {
            fill(data.results || []);
          }
        })
        .catch(function () {
          /* no suggestions: the box still takes an acronym */
        });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 200);
    });
    input.addEventListener("focus", suggest);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest]").forEach(attach);
  });
})();
