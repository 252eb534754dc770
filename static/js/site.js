// HumanITech: small progressive enhancements. Everything works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function initNavToggle() {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById("site-nav");
    if (!toggle || !nav) {
      return;
    }
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("is-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Buttons carrying data-confirm ask before submitting (destructive actions).
  function initConfirm() {
    document.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var message = submitter && submitter.getAttribute("data-confirm");
      if (message && !window.confirm(message)) {
        event.preventDefault();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initNavToggle();
    initConfirm();
  });
})();

// Skill picker: a search result fills the <select> it targets (see matching/skill_picker.html).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-skill-pick]");
  if (!button) {
    return;
  }
  var select = document.getElementById(button.getAttribute("data-skill-target"));
  if (select) {
    select.value = button.getAttribute("data-skill-pick");
    select.dispatchEvent(new Event("change", { bubbles: true }));
    select.focus();
  }
});

// Notification centre (notifications/_entry.html): opening an unread entry marks it read
// first, so the bell is right on the page it leads to. Without JavaScript the entry's own
// "Mark as read" form does the same job.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-notification-read]");
    if (!link || event.defaultPrevented || event.button !== 0) {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    var go = function () {
      window.location.assign(link.href);
    };
    fetch(link.getAttribute("data-notification-read"), {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      redirect: "manual",
      headers: { "X-CSRFToken": csrfToken() },
    }).then(go, go);
  });

  // After htmx replaced an entry, keep keyboard focus on it instead of losing it.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (target && target.classList && target.classList.contains("notification-item")) {
      var fresh = document.getElementById(target.id) || target;
      var focusable = fresh.querySelector(".notification-title[href]") || fresh;
      focusable.focus();
    }
  });
})();

// Organisations app: filter forms marked data-drop-empty leave their empty fields out of
// htmx requests, so the address pushed to the history stays short and shareable.
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt;
  if (!form || !form.hasAttribute || !form.hasAttribute("data-drop-empty")) {
    return;
  }
  var data = event.detail.formData;
  var empty = [];
  data.forEach(function (value, key) {
    if (value === "" && empty.indexOf(key) < 0) {
      empty.push(key);
    }
  });
  empty.forEach(function (key) {
    var kept = data.getAll(key).filter(function (value) {
      return value !== "";
    });
    data.delete(key);
    kept.forEach(function (value) {
      data.append(key, value);
    });
  });
});

// Skill picker inside a larger form (student profile): Enter in its search box searches at
// once instead of submitting the whole form. Without JavaScript there is no picker anyway.
document.addEventListener("keydown", function (event) {
  var input = event.target;
  if (event.key !== "Enter" || !input.matches || !input.matches(".skill-picker input[type=search]")) {
    return;
  }
  if (input.form) {
    event.preventDefault();
    input.dispatchEvent(new Event("search", { bubbles: true }));
  }
});

// Organisations app: filter panels marked data-open-wide start open on wide screens (on a
// phone they stay folded so the results come first).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia || !window.matchMedia("(min-width: 60rem)").matches) {
    return;
  }
  document.querySelectorAll("details[data-open-wide]").forEach(function (panel) {
    panel.open = true;
  });
});

// Matching (favourites, cohort choices, rankings): a list marked data-keep-focus that htmx
// swaps keeps keyboard focus on the button that was used (or, if that one is now disabled,
// on another button of the same item, data-focus-group), and its data-status message is
// read out by the page's live region (data-live-status).
(function () {
  "use strict";
  var wanted = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.closest || !elt.closest("[data-keep-focus]")) {
      return;
    }
    var active = document.activeElement;
    var group = active && active.closest && active.closest("[data-focus-group]");
    wanted = {
      id: active && active.id,
      group: group ? group.getAttribute("data-focus-group") : null,
    };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!wanted) {
      return;
    }
    var target = wanted.id ? document.getElementById(wanted.id) : null;
    if (!target || target.disabled) {
      var item = wanted.group
        ? document.querySelector('[data-focus-group="' + wanted.group + '"]')
        : null;
      target = item
        ? item.querySelector("button:not([disabled])") || item.querySelector("a[href]")
        : null;
    }
    wanted = null;
    var zone = document.querySelector("[data-keep-focus]");
    if (!target && zone) {
      target = zone.querySelector("h2, h3") || zone;
      target.setAttribute("tabindex", "-1");
    }
    if (target) {
      target.focus();
    }
    var live = document.querySelector("[data-live-status]");
    var status = zone && zone.getAttribute("data-status");
    if (live && status) {
      live.textContent = status.trim();
    }
  });
})();
