// A header box marked data-select-all="<name>" ticks or clears every box of that name in its form,
// and shows whether all, some or none are ticked. It stays hidden where scripts do not run, since
// it could do nothing there; a [data-selected-count="<name>"] element says how many are ticked.
document.addEventListener("DOMContentLoaded", () => {
  for (const all of document.querySelectorAll("input[type=checkbox][data-select-all]")) {
    const form = all.form;
    const name = all.dataset.selectAll;
    const boxes = () => [...form.querySelectorAll(`input[type=checkbox][name="${name}"]`)];
    const counter = form.querySelector(`[data-selected-count="${name}"]`);
    const update = () => {
      const ticked = boxes().filter((box) => box.checked).length;
      const total = boxes().length;
      all.checked = total > 0 && ticked === total;
      all.indeterminate = ticked > 0 && ticked < total;
      if (counter) {
        counter.textContent = counter.dataset.format
          .replace("%(n)s", String(ticked))
          .replace("%(total)s", String(total));
        counter.hidden = false;
      }
    };
    all.addEventListener("change", () => {
      for (const box of boxes()) box.checked = all.checked;
      update();
    });
    form.addEventListener("change", (event) => {
      if (event.target !== all) update();
    });
    all.hidden = false;
    update();
  }
});
