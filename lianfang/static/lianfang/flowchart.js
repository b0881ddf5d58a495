/* 廉防 — power-operation flowcharts: draws each <div class="flowchart" data-source="ID"> from the
 * Mermaid source the server wrote with json_script into <script id="ID">. Without JavaScript
 * the page still shows the three-column table of steps, risks and measures. */
(function () {
  "use strict";

  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';

  function draw() {
    if (typeof mermaid === "undefined") return;
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: "neutral",
      fontFamily: FONT,
      flowchart: { useMaxWidth: true, htmlLabels: true },
    });
    document.querySelectorAll("div.flowchart[data-source]").forEach(function (target, index) {
      var source = document.getElementById(target.dataset.source);
      if (!source) return;
      mermaid
        .render("flowchart-svg-" + index, JSON.parse(source.textContent))
        .then(function (result) {
          target.innerHTML = result.svg;
          target.classList.add("drawn");
        })
        .catch(function () {
          target.textContent = target.dataset.failed || "";
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
