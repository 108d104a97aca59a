// "Add another defect": a copy of the last defect row, emptied. Without this script the form
// still works with its one blank row; blank rows are ignored when the form is read.
document.querySelectorAll("[data-add-defect]").forEach(function (button) {
  button.addEventListener("click", function () {
    var rows = button.parentNode.querySelectorAll(".defect");
    var last = rows[rows.length - 1];
    var row = last.cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    row.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
    last.parentNode.insertBefore(row, button);
    row.querySelector("input").focus();
  });
});
