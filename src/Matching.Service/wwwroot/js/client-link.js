// Progressive enhancement of the client's page; without this script it still works.
(function () {
  // A withdrawal is sent once: a second tap while the first is on its way would find the link already closed.
  document.querySelectorAll("form[data-send-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "true";
    });
  });
})();
