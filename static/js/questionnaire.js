// Show a conditional question only while the earlier answer it depends on says so. A hidden
// question's inputs are disabled, so the browser does not send them: an answer to a question that
// is not shown is no answer. What was ticked stays in the page, and comes back if the reviewer
// changes their mind again. The server decides what is required and drops such answers too.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.questionnaire");
  if (!form) return;
  const rows = [...form.querySelectorAll(".question")].filter((row) =>
    row.querySelector("[data-when-key]"),
  );
  // Only enabled inputs count: an answer in a hidden question does not show its dependents.
  const valuesOf = (key) =>
    [...form.querySelectorAll(`[name="${key}"]`)]
      .filter((input) => !input.disabled)
      .filter((input) => (input.type === "radio" || input.type === "checkbox" ? input.checked : true))
      .map((input) => input.value);
  const update = () => {
    // Rows in page order: a condition names an earlier question, already settled in this pass.
    for (const row of rows) {
      const rule = row.querySelector("[data-when-key]");
      const wanted = rule.dataset.whenIn.split(" ");
      const shown = valuesOf(rule.dataset.whenKey).some((value) => wanted.includes(value));
      row.hidden = !shown;
      for (const input of row.querySelectorAll("input, select, textarea")) {
        input.disabled = !shown;
      }
    }
  };
  form.addEventListener("change", update);
  update();
});
