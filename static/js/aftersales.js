// Behaviour the pages ask for with data- attributes. The Content-Security-Policy refuses
// inline scripts and on…= handlers, so every page's script lives here.
(function () {
  "use strict";

  // <form data-style-controls>: give django-filter's plain widgets Bootstrap's classes.
  function styleControls(root) {
    root.querySelectorAll("form[data-style-controls]").forEach(function (form) {
      form.querySelectorAll("input:not([type=hidden]), select").forEach(function (el) {
        if (!el.classList.contains("form-control") && !el.classList.contains("form-select")) {
          el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control");
        }
      });
    });
  }

  // [data-shown-when-field=ID][data-shown-when-value=V]: hidden unless field ID holds V.
  function toggleShown(root) {
    root.querySelectorAll("[data-shown-when-field]").forEach(function (el) {
      var field = document.getElementById(el.dataset.shownWhenField);
      if (field) {
        el.hidden = field.value !== el.dataset.shownWhenValue;
      }
    });
  }

  // <a data-follows-form=SELECTOR>: the link's query string is the form's current filters.
  function followForms() {
    document.querySelectorAll("a[data-follows-form]").forEach(function (link) {
      var form = document.querySelector(link.dataset.followsForm);
      if (!form) {
        return;
      }
      var query = new URLSearchParams(new FormData(form)).toString();
      link.href = link.href.split("?")[0] + (query ? "?" + query : "");
    });
  }

  function refresh() {
    styleControls(document);
    toggleShown(document);
    lengthCounters(document);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("select[data-submit-on-change]")) {
      target.form.submit();
    }
    toggleShown(document);
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print], [data-activate-tab]");
    if (!target) {
      return;
    }
    if (target.hasAttribute("data-print")) {
      window.print();
      return;
    }
    var tabs = target.closest(".nav-tabs");
    (tabs || document).querySelectorAll(".nav-link").forEach(function (link) {
      link.classList.remove("active");
    });
    target.classList.add("active");
  });

  // <div data-picker>: a search box ([data-picker-text]) whose results, fetched by htmx into
  // [data-picker-results], are [data-pick-value] buttons. Picking one puts its value in the
  // hidden [data-picker-value] input and submits the form around it; so does emptying the box.
  function pick(picker, value, label) {
    picker.querySelector("[data-picker-value]").value = value;
    picker.querySelector("[data-picker-text]").value = label;
    picker.querySelector("[data-picker-results]").replaceChildren();
    var form = picker.closest("form");
    if (form && form.requestSubmit) {
      form.requestSubmit();
    } else if (form) {
      form.submit();
    }
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-pick-value]");
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      if (option && picker.contains(option)) {
        pick(picker, option.dataset.pickValue, option.dataset.pickLabel);
      } else if (!picker.contains(event.target)) {
        picker.querySelector("[data-picker-results]").replaceChildren();
      }
    });
  });

  document.addEventListener("input", function (event) {
    if (!event.target.matches("[data-picker-text]") || event.target.value) {
      return;
    }
    var picker = event.target.closest("[data-picker]");
    if (picker.querySelector("[data-picker-value]").value) {
      pick(picker, "", "");
    }
  });

  // Enter in a search-as-you-type box must not submit the whole form around it.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("input[data-enter-does-not-submit]")) {
      event.preventDefault();
    }
    if (event.key === "Escape" && event.target.matches("[data-picker-text]")) {
      event.target.closest("[data-picker]").querySelector("[data-picker-results]").replaceChildren();
    }
  });

  // <input|textarea maxlength=N data-length-counter>: show "n / N" under it, red at the limit,
  // so that a text cut by the browser at its limit is never a surprise.
  function lengthCounters(root) {
    root.querySelectorAll("[data-length-counter][maxlength]").forEach(function (field) {
      if (field.dataset.lengthCounted) {
        return;
      }
      field.dataset.lengthCounted = "1";
      var count = document.createElement("div");
      count.className = "form-text text-end small";
      count.setAttribute("data-length-count", "");
      count.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", count);
      var update = function () {
        var limit = Number(field.getAttribute("maxlength"));
        count.textContent = field.value.length + " / " + limit;
        count.classList.toggle("text-danger", field.value.length >= limit);
      };
      field.addEventListener("input", update);
      update();
    });
  }

  document.addEventListener("htmx:afterSwap", function () {
    refresh();
    followForms();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }
})();
