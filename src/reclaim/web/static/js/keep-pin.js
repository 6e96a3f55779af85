// The reference + PIN page: keep the PIN before leaving (issue 9, item 15).
// Print and Copy buttons (without JavaScript the page says "print this page, or write them
// down"); "I have saved my reference and PIN"; until it is ticked, "Check my report" asks once
// (press it again to go on) and leaving the page asks the browser's "Leave site?". Nothing
// ever stops Quick exit: site.js sends "reclaim:exit" first and this script stands down.
// The report page fills the codes in after sending and then sends "reclaim:made".
(function () {
  "use strict";
  const box = document.querySelector("[data-keep-codes]");
  if (!box) return;
  const slot = (name) => document.querySelector('[data-slot="' + name + '"]');
  const check = document.querySelector("[data-check]");
  const saveFirst = document.querySelector("[data-save-first]");
  const savedBox = box.querySelector("[data-saved]");
  const status = box.querySelector("[data-copy-status]");
  // The words come from the page (data-msg-*), so they are in the page's language.
  const say = (name, values) =>
    (box.dataset["msg" + name] || "").replace(/\{(\w+)\}/g, (all, key) =>
      values && key in values ? String(values[key]) : all,
    );
  let armed = false;
  let leaving = false;
  let warned = false;

  function codes() {
    return {
      reference: (slot("reference").textContent || "").trim(),
      pin: (slot("pin").textContent || "").trim(),
    };
  }

  function saved() {
    return savedBox.checked;
  }

  function onBeforeUnload(event) {
    if (leaving || saved()) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need this to ask
  }

  function arm() {
    const found = codes();
    if (armed || !found.pin) return;
    armed = true;
    box.querySelector("[data-keep-buttons]").hidden = false;
    box.querySelector("[data-keep-saved]").hidden = false;
    check.href = "/status?reference=" + encodeURIComponent(found.reference);
    window.addEventListener("beforeunload", onBeforeUnload);
  }

  box.querySelector("[data-print]").addEventListener("click", () => window.print());

  box.querySelector("[data-copy]").addEventListener("click", async () => {
    const found = codes();
    try {
      await navigator.clipboard.writeText(
        say("Reference", { reference: found.reference }) + "\n" + say("Pin", { pin: found.pin }),
      );
      status.textContent = say("Copied");
    } catch (error) {
      status.textContent = say("CopyFailed");
    }
  });

  savedBox.addEventListener("change", () => {
    if (saved()) saveFirst.hidden = true;
  });

  check.addEventListener("click", (event) => {
    if (!armed || saved() || warned) {
      leaving = true; // they chose to go on: the browser need not ask again
      return;
    }
    warned = true;
    event.preventDefault();
    saveFirst.hidden = false;
    saveFirst.scrollIntoView({ block: "nearest" });
  });

  document.addEventListener("reclaim:exit", () => {
    leaving = true;
    window.removeEventListener("beforeunload", onBeforeUnload);
  });
  document.addEventListener("reclaim:made", arm);
  arm();
})();
