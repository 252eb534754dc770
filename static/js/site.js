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
