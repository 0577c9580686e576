// Conditional questions of the census: a question is shown only when the answer to the question it depends
// on has the given value. Without JavaScript every question shows, with its condition written as a hint,
// and the server ignores answers to questions whose condition does not hold.
(function () {
  "use strict";
  var items = document.querySelectorAll("[data-depends-on]");
  if (!items.length) return;
  function valueOf(name) {
    var inputs = document.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) return input.value;
      } else {
        return input.value;
      }
    }
    return "";
  }
  function update() {
    items.forEach(function (item) {
      var source = item.getAttribute("data-depends-on").replace(/^id_/, "");
      var parent = document.querySelector('[name="' + source + '"]');
      var parentBox = parent && parent.closest(".census-question");
      var parentShown = !parentBox || !parentBox.hidden;
      item.hidden = !(parentShown && valueOf(source) === item.getAttribute("data-depends-value"));
    });
  }
  document.addEventListener("change", update);
  document.addEventListener("input", update);
  update();
})();
