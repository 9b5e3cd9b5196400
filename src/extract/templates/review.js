"use strict";
// Toggles only; every link works without this script.
for (const box of document.querySelectorAll("input[data-toggle]")) {
  const apply = () => document.body.classList.toggle(box.dataset.toggle, box.checked !== (box.dataset.invert === "1"));
  box.addEventListener("change", apply);
  apply();
}
