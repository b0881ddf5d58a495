/* 廉防 — charts (ECharts), drawn from <script type="application/json"> blocks that the page
 * writes with Django's json_script. No inline script: CSP allows only files from this site.
 * The reading and drawing helpers are shared as window.lianfangCharts (supervision.js uses
 * them; load this file first); the risk library's charts are drawn here. Also: selects marked
 * data-autosubmit submit their form on change. */
(function () {
  "use strict";

  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var LEVEL_COLOURS = ["#c0262d", "#d9730d", "#1f5fbf", "#b8bec7"];
  var charts = [];

  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function init(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function empty(chart, text) {
    chart.setOption({
      textStyle: { fontFamily: FONT },
      graphic: {
        type: "text",
        left: "center",
        top: "middle",
        style: { text: text, fill: "#646a73", fontSize: 14, fontFamily: FONT }
      }
    });
  }

  function levels() {
    var data = read("chart-levels-data");
    var chart = init("chart-levels");
    if (!data || !chart) return;
    if (!data.values.some(function (v) { return v > 0; })) {
      empty(chart, data.empty);
      return;
    }
    chart.setOption({
      textStyle: { fontFamily: FONT },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: data.labels, axisTick: { show: false } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        {
          type: "bar",
          barMaxWidth: 48,
          label: { show: true, position: "top" },
          data: data.values.map(function (value, i) {
            return { value: value, itemStyle: { color: LEVEL_COLOURS[i] } };
          })
        }
      ]
    });
  }

  function heat() {
    var data = read("chart-heat-data");
    var chart = init("chart-heat");
    if (!data || !chart) return;
    if (!data.cells.length) {
      empty(chart, data.empty);
      return;
    }
    var counts = {};
    data.cells.forEach(function (c) { counts[c[0] + "," + c[1]] = c[2]; });
    var cells = [];
    data.x.forEach(function (_x, i) {
      data.y.forEach(function (_y, j) { cells.push([i, j, counts[i + "," + j] || 0]); });
    });
    chart.setOption({
      textStyle: { fontFamily: FONT },
      grid: { left: 8, right: 16, top: 36, bottom: 64, containLabel: true },
      tooltip: {
        formatter: function (p) {
          var esc = echarts.format.encodeHTML;
          return esc(data.yName + "：" + data.y[p.value[1]]) + "<br>" +
            esc(data.xName + "：" + data.x[p.value[0]]) + "<br>" + esc(p.value[2] + " " + data.unit);
        }
      },
      xAxis: {
        type: "category", data: data.x, name: data.xName, nameLocation: "middle", nameGap: 40,
        splitArea: { show: true }, axisLabel: { interval: 0, width: 96, overflow: "break" }
      },
      yAxis: {
        type: "category", data: data.y, name: data.yName, nameLocation: "end",
        nameTextStyle: { align: "right" }, splitArea: { show: true }
      },
      visualMap: {
        min: 0, max: Math.max(data.max, 1), calculable: false, orient: "horizontal",
        left: "center", bottom: 0, itemHeight: 120, itemWidth: 10, text: [data.more, data.fewer],
        inRange: { color: ["#f7f8fa", "#f5c0a8", "#e0703a", "#a61b1b"] },
        textStyle: { fontSize: 12 }
      },
      series: [
        {
          type: "heatmap",
          data: cells,
          label: { show: true, fontSize: 14 },
          itemStyle: { borderColor: "#fff", borderWidth: 2 },
          emphasis: { itemStyle: { shadowBlur: 6, shadowColor: "rgba(0,0,0,.3)" } }
        }
      ]
    });
  }

  window.lianfangCharts = { FONT: FONT, read: read, init: init, empty: empty };

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) select.form.requestSubmit();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    levels();
    heat();
    autosubmit();
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  });
})();
