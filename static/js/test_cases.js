// The coding pad's test-case panel: add and remove cases (up to the server's cap), numbering and labelling
// them. The cases are ordinary fields of the answer form, so round.js's autosave and every Run carry them;
// adding or removing one counts as an edit and is saved the same way.
(function () {
  "use strict";

  const list = document.getElementById("case-list");
  const template = document.getElementById("case-template");
  const add = document.getElementById("case-add");
  const count = document.getElementById("case-count");
  if (!list || !template || !add) return;
  const max = parseInt(list.dataset.max || "10", 10);
  const form = list.closest("form");

  function renumber() {
    const cases = list.querySelectorAll(".case");
    cases.forEach((item, i) => {
      const n = i + 1;
      item.querySelector(".case-number").textContent = `Case ${n}`;
      item.querySelector(".case-remove").setAttribute("aria-label", `Remove case ${n}`);
      item.querySelector('[name="case_input"]').setAttribute("aria-label", `Case ${n} input`);
      item.querySelector('[name="case_expected"]').setAttribute("aria-label", `Case ${n} expected output`);
    });
    add.disabled = cases.length >= max;
    add.title = add.disabled ? `At most ${max} test cases` : "";
    if (count) count.textContent = `(${cases.length} of ${max})`;
  }

  function changed() {
    renumber();
    form.dispatchEvent(new Event("input", { bubbles: true })); // round.js saves on input
  }

  add.hidden = false;
  add.addEventListener("click", () => {
    if (list.querySelectorAll(".case").length >= max) return;
    const item = template.content.firstElementChild.cloneNode(true);
    list.append(item);
    changed();
    item.querySelector('[name="case_input"]').focus();
  });
  list.addEventListener("click", (event) => {
    const remove = event.target.closest(".case-remove");
    if (!remove) return;
    const item = remove.closest(".case");
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    changed();
    (next ? next.querySelector("textarea") : add).focus();
  });
  renumber();
})();
