// A search box that offers matches as the person types: an input with `data-suggest` (the
// URL to ask, `?q=` added) and a `list` naming its <datalist>. Each suggestion's value is
// what the form sends (a client's reference, a worker's email); its label says who. Without
// this script the box still takes what is typed.
document.querySelectorAll("input[data-suggest]").forEach(function (input) {
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === asked) { return; }
      asked = q;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) {
          if (q !== asked) { return; }
          list.textContent = "";
          found.forEach(function (s) {
            var option = document.createElement("option");
            option.value = s.value;
            option.label = s.label;
            option.textContent = s.label;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
});
