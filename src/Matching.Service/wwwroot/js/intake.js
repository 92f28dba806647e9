// Progressive enhancement: show the crisis resources as soon as a worrying safety answer is chosen.
// Without this script the server shows them when the form is sent.
(function () {
  var crisis = document.getElementById("crisis");
  if (!crisis) return;
  document.querySelectorAll("input[name='Form.Safety']").forEach(function (radio) {
    radio.addEventListener("change", function () {
      crisis.hidden = radio.dataset.crisis !== "true";
    });
  });
})();
