/*
 * Maillage — the main navigation's disclosure menu on small screens.
 * Without JavaScript the navigation stays open (no class "js", the button stays hidden).
 * With it, a button with aria-expanded shows and hides the navigation. No dependency.
 */
(function () {
  "use strict";
  var root = document.documentElement;
  var button = document.querySelector("[data-menu-toggle]");
  var nav = button ? document.getElementById(button.getAttribute("aria-controls")) : null;
  if (!button || !nav) {
    return;
  }
  root.classList.add("js");
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.setAttribute("data-collapsed", open ? "false" : "true");
  }
  setOpen(false);
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });

  /* « Plus » (a <details> menu, usable without JavaScript): Escape closes it and gives the focus back to its
     summary; a click elsewhere, or the focus leaving it, closes it. */
  var more = document.querySelector("[data-nav-more]");
  if (more) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && more.open) {
        more.open = false;
        more.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (more.open && !more.contains(event.target)) {
        more.open = false;
      }
    });
    /* Tab past its last link (or Shift+Tab before it) closes it too: the open list, drawn over the page on
       wide screens, would otherwise hide the element that now has the focus. */
    more.addEventListener("focusout", function (event) {
      if (more.open && event.relatedTarget && !more.contains(event.relatedTarget)) {
        more.open = false;
      }
    });
  }

  /* An error summary takes the focus when the page loads, so screen-reader users hear it first. */
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
