// Loaded first in <head> on every public page. After Quick exit (site.js sets a flag for this
// tab), going Back to any Reclaim page leaves again at once, before anything is shown. A fresh
// visit (typing the address, a link, reload) clears the flag, so the site works as usual.
(function () {
  "use strict";
  const script = document.currentScript;
  const exitUrl = (script && script.dataset.exit) || "https://www.bbc.co.uk/weather";
  const KEY = "reclaim-exited";

  function leave() {
    document.documentElement.classList.add("leaving");
    window.location.replace(exitUrl);
  }

  try {
    const nav = performance.getEntriesByType("navigation")[0];
    if (sessionStorage.getItem(KEY)) {
      if (nav && nav.type === "back_forward") {
        leave();
      } else {
        sessionStorage.removeItem(KEY);
      }
    }
    // A page kept in the back-forward cache is shown again without running scripts.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted && sessionStorage.getItem(KEY)) leave();
    });
  } catch (e) {
    /* storage blocked: Quick exit still replaces the page it leaves from */
  }
})();
