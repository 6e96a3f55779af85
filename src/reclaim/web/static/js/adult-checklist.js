// The adults' checklist (/help/parents/checklist) and the "before it happens" plan: Print.
// On the checklist: the list of where the image appeared and
// who has it, kept ONLY in this page's memory. No web storage of any kind (so nothing
// is left on a shared or school computer after the tab closes), no request: the inputs have no
// name and the form never submits. The list leaves the page only when the adult prints it or
// downloads it as a text file (a Blob made here, never a request to the server).
(function () {
  "use strict";
  const buttons = document.querySelector("[data-checklist-buttons]");
  if (buttons) {
    buttons.hidden = false;
    document.querySelector("[data-print-hint]").hidden = true;
    buttons.querySelectorAll("[data-print]").forEach((button) => {
      button.addEventListener("click", () => window.print());
    });
  }
  const editor = document.querySelector("[data-list-editor]");
  if (!editor) return;
  const form = editor.querySelector("[data-list-form]");
  const where = document.getElementById("place-where");
  const who = document.getElementById("place-who");
  const list = editor.querySelector("[data-list]");
  const empty = editor.querySelector("[data-list-empty]");
  const status = editor.querySelector("[data-list-status]");
  const blank = document.querySelector("[data-write-lines]");
  const places = []; // {where, who}: this page's memory only
  // The words come from the page (data-msg-*), so they are translated with it.
  const say = (name, n) => (editor.dataset["msg" + name] || "").replace("{n}", String(n));

  editor.hidden = false;

  function show() {
    list.replaceChildren();
    places.forEach((place, index) => {
      const item = document.createElement("li");
      const text = document.createElement("span");
      text.textContent = place.who ? place.where + " (" + place.who + ")" : place.where;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary small";
      remove.textContent = say("Remove");
      remove.setAttribute("aria-label", say("Remove") + ": " + place.where);
      remove.addEventListener("click", () => {
        places.splice(index, 1);
        status.textContent = say("Removed");
        show();
        where.focus();
      });
      item.append(text, " ", remove);
      list.append(item);
    });
    empty.hidden = places.length > 0;
    // On paper: the list when there is one, else blank lines to write on.
    blank.hidden = places.length > 0;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const place = { where: where.value.trim(), who: who.value.trim() };
    if (!place.where) {
      status.textContent = say("Needwhere");
      where.focus();
      return;
    }
    places.push(place);
    where.value = "";
    who.value = "";
    status.textContent = say("Added", places.length);
    show();
    where.focus();
  });

  editor.querySelector("[data-download]").addEventListener("click", () => {
    const lines = [
      say("Title"),
      say("Written") + " " + new Date().toLocaleDateString(document.documentElement.lang),
      "",
      ...places.map((p, i) => i + 1 + ". " + p.where + (p.who ? " - " + p.who : "")),
      "",
      say("Keep"),
    ];
    if (!places.length) lines.splice(3, 0, say("Nothing"));
    const blob = new Blob([lines.join("\r\n") + "\r\n"], { type: "text/plain;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = "where-it-appeared.txt";
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    status.textContent = say("Downloaded");
  });

  show();
})();
