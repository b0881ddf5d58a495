/* 电子监察: the board's charts, a case's timeline chart (ECharts) and the print button of the
 * 监察建议书. Data comes from <script type="application/json"> blocks written with json_script;
 * no inline script (CSP). Reads and draws with charts.js's helpers (load it first), whose
 * resize handler covers these charts too. */
(function () {
  "use strict";

  var C = window.lianfangCharts;  // from charts.js: the shared reading and drawing helpers
  var FONT = C.FONT, read = C.read, init = C.init, empty = C.empty;
  var COLOURS = { yellow: "#e0a800", red: "#c0262d", completed: "#1f5fbf", prompt: "#7a9cc6" };

  function bars(id) {
    var data = read(id + "-data");
    var chart = init(id);
    if (!data || !chart) return;
    if (!data.labels.length || !data.series.some(function (s) { return s.data.some(function (v) { return v > 0; }); })) {
      empty(chart, data.empty);
      return;
    }
    chart.setOption({
      textStyle: { fontFamily: FONT },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", inverse: true, data: data.labels,
        axisLabel: { width: 150, overflow: "truncate" }
      },
      series: data.series.map(function (s) {
        return {
          name: s.name, type: "bar", stack: "cards", barMaxWidth: 18,
          itemStyle: { color: COLOURS[s.kind] }, data: s.data
        };
      })
    });
  }

  function trend() {
    var data = read("chart-trend-data");
    var chart = init("chart-trend");
    if (!data || !chart) return;
    chart.setOption({
      textStyle: { fontFamily: FONT },
      legend: { top: 0 },
      grid: { left: 32, right: 32, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: {
        type: "category", data: data.days, boundaryGap: false,
        axisLabel: { hideOverlap: true, formatter: function (v) { return v.slice(5); } }
      },
      // Cards are a few a day, completions hundreds: each on its own axis (completions right).
      yAxis: [
        { type: "value", minInterval: 1, name: data.cardsAxis },
        { type: "value", minInterval: 1, name: data.completedAxis, splitLine: { show: false } }
      ],
      series: data.series.map(function (s) {
        return {
          name: s.name, type: "line", smooth: false, showSymbol: false,
          yAxisIndex: s.kind === "completed" ? 1 : 0,
          itemStyle: { color: COLOURS[s.kind] }, lineStyle: { width: 2 },
          areaStyle: s.kind === "completed" ? { opacity: 0.08 } : undefined,
          data: s.data
        };
      })
    });
  }

  function timeline() {
    var data = read("chart-timeline-data");
    var chart = init("chart-timeline");
    if (!data || !chart) return;
    var times = [data.received, data.now].concat(
      data.events.map(function (e) { return e[0]; }),
      data.deadlines.map(function (d) { return d[0]; })
    ).map(function (t) { return new Date(t).getTime(); });
    var min = Math.min.apply(null, times), max = Math.max.apply(null, times);
    var pad = Math.max((max - min) * 0.03, 3600 * 1000);
    chart.setOption({
      textStyle: { fontFamily: FONT },
      grid: { left: 16, right: 24, top: 56, bottom: 28 },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var esc = echarts.format.encodeHTML;
          var when = echarts.format.formatTime("yyyy-MM-dd hh:mm", p.value[0]);
          return esc(p.name) + "<br>" + esc(when);
        }
      },
      xAxis: {
        type: "time", min: min - pad, max: max + pad,
        axisLabel: { formatter: "{MM}-{dd}", hideOverlap: true }, splitLine: { show: true, lineStyle: { color: "#f0f1f3" } }
      },
      yAxis: { type: "value", show: false, min: 0, max: 1 },
      series: [
        {
          type: "scatter", symbolSize: 10, itemStyle: { color: "#a61b1b" },
          label: { show: true, position: "top", formatter: "{b}", fontSize: 11 },
          labelLayout: { hideOverlap: true },
          data: data.events.map(function (e) { return { name: e[1], value: [e[0], 0.35] }; }),
          markArea: {
            silent: true,
            itemStyle: { color: "rgba(100,106,115,0.14)" },
            label: { show: true, position: "insideTop", color: "#646a73", fontSize: 11 },
            data: data.pauses.map(function (p) {
              return [{ name: data.pauseLabel, xAxis: p[0] }, { xAxis: p[1] }];
            })
          },
          markLine: {
            symbol: "none",
            label: { formatter: "{b}", fontSize: 11, position: "end" },
            data: data.deadlines.map(function (d) {
              return {
                name: d[1], xAxis: d[0],
                lineStyle: { color: d[2] ? "#c0262d" : "#5b3fa3", type: "dashed" }
              };
            })
          }
        }
      ]
    });
  }

  function printButton() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    trend();
    bars("chart-departments");
    bars("chart-items");
    timeline();
    printButton();
  });
})();
