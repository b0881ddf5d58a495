/* 廉防 — the flowchart editor: add steps and connections, move steps up and down, and keep the
 * connections' step lists in step with what is typed. The server checks the flow as a whole;
 * this only spares the user from writing Mermaid or keys by hand. */
(function () {
  "use strict";

  var form = document.getElementById("flow-editor");
  if (!form) return;

  function rows(prefix) {
    return Array.prototype.slice.call(
      document.querySelectorAll("#" + prefix + "-table tbody tr." + (prefix === "steps" ? "step-row" : "edge-row"))
    );
  }

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function stepChoices() {
    return rows("steps")
      .filter(function (row) { return !field(row, "DELETE").checked && field(row, "key").value.trim(); })
      .map(function (row) {
        var key = field(row, "key").value.trim();
        return { value: key, label: (field(row, "name").value.trim() || key) + "（" + key + "）" };
      });
  }

  function refreshEdges() {
    var choices = stepChoices();
    rows("edges").forEach(function (row) {
      ["source", "target"].forEach(function (name) {
        var select = field(row, name);
        var current = select.value;
        select.innerHTML = "";
        select.appendChild(new Option("—", ""));
        choices.forEach(function (c) { select.appendChild(new Option(c.label, c.value, false, c.value === current)); });
        if (current && !choices.some(function (c) { return c.value === current; })) {
          select.appendChild(new Option(current, current, false, true));
        }
      });
    });
    var total = rows("steps")
      .filter(function (row) { return !field(row, "DELETE").checked; })
      .reduce(function (sum, row) { return sum + (parseInt(field(row, "limit_days").value, 10) || 0); }, 0);
    var out = document.getElementById("limit-total");
    if (out) out.textContent = out.dataset.template.replace("%s", total);
  }

  function renumber() {
    rows("steps").forEach(function (row, i) { field(row, "ORDER").value = i + 1; });
  }

  function unusedKey() {
    var used = stepChoices().map(function (c) { return c.value; });
    for (var n = 1; ; n++) {
      if (used.indexOf("s" + n) < 0) return "s" + n;
    }
  }

  function add(prefix) {
    var total = form.querySelector("[name='" + prefix + "-TOTAL_FORMS']");
    var index = parseInt(total.value, 10);
    var html = document.getElementById(prefix + "-template").innerHTML.replace(/__prefix__/g, index);
    var tbody = document.querySelector("#" + prefix + "-table tbody");
    tbody.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    var row = rows(prefix).pop();
    if (prefix === "steps") {
      field(row, "key").value = unusedKey();
      renumber();
      field(row, "name").focus();
    }
    refreshEdges();
  }

  function move(row, direction) {
    var sibling = direction === "up" ? row.previousElementSibling : row.nextElementSibling;
    while (sibling && !sibling.classList.contains("step-row")) {
      sibling = direction === "up" ? sibling.previousElementSibling : sibling.nextElementSibling;
    }
    if (!sibling) return;
    if (direction === "up") sibling.before(row); else sibling.after(row);
    renumber();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.add) { add(button.dataset.add); }
    if (button.dataset.move) { move(button.closest("tr"), button.dataset.move); }
  });
  form.addEventListener("input", refreshEdges);
  form.addEventListener("change", refreshEdges);
  refreshEdges();
})();
