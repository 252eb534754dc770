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
