// Progressive enhancement of the public form; without this script it still works (the server shows what is needed).
(function () {
  // Show the crisis resources as soon as a worrying safety answer is chosen.
  var crisis = document.getElementById("crisis");
  if (crisis) {
    document.querySelectorAll("input[name='Form.Safety']").forEach(function (radio) {
      radio.addEventListener("change", function () {
        crisis.hidden = radio.dataset.crisis !== "true";
      });
    });
  }

  // After a refused send, start at the summary of what to fix; each of its links moves focus to its field and
  // brings the field's label (or its group's question) into view, not just the input.
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  if (document.activeElement !== summary) summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var group = field.closest("fieldset");
    var label = field.type === "radio" || field.type === "checkbox"
      ? (group && group.querySelector("legend")) || field.closest("label")
      : document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
