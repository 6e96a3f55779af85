// Every public page: Quick exit (the button, or Esc pressed twice), and same-site navigation
// that replaces the history entry, so that after a quick exit Back does not return here.
// Without JavaScript the Quick exit button is a plain link to the neutral site.
(function () {
  "use strict";
  const script = document.getElementById("site-script");
  const exitUrl = (script && script.dataset.exit) || "https://www.bbc.co.uk/weather";

  function exit() {
    try {
      document.dispatchEvent(new Event("reclaim:exit")); // nothing may ask "Leave site?"
      sessionStorage.setItem("reclaim-exited", "1"); // exit-guard.js: Back leaves again
      document.body.hidden = true; // nothing stays on screen while the next site loads
      history.replaceState(null, "", "/");
    } catch (e) {
      /* keep going: leaving matters more */
    }
    window.location.replace(exitUrl);
  }

  const button = document.getElementById("quick-exit");
  if (button) {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      exit();
    });
  }

  let lastEscape = 0;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const now = Date.now();
    if (now - lastEscape < 1500) exit();
    lastEscape = now;
  });

  function sameSite(url) {
    return url.origin === window.location.origin && !url.pathname.startsWith("/staff");
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
    const url = new URL(link.href, window.location.href);
    if (!sameSite(url) || link.id === "quick-exit" || url.hash) return;
    event.preventDefault();
    window.location.replace(url.href);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "get").toLowerCase() !== "get") {
      return;
    }
    const url = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    if (!sameSite(url)) return;
    url.search = new URLSearchParams(new FormData(form)).toString();
    event.preventDefault();
    window.location.replace(url.href);
  });
})();
