// « Copier la clé »: copies the read-only field's value to the clipboard (the button appears only when the
// clipboard is available; without it, the field can be selected and copied by hand).
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      navigator.clipboard.writeText(field.value).then(
        function () { if (status) { status.textContent = "Clé copiée."; } },
        function () { if (status) { status.textContent = "La copie a échoué : sélectionnez la clé et copiez-la."; } }
      );
    });
  });
})();
