// The reports' charts (Apache ECharts, served from the hub's own /static/vendor): the
// hall's hourly curve, waits by service, clerks side by side, the weekdays. Each function
// draws into its element, again on every call, and the charts follow the window's size.
/* global echarts */

const INK = "#e8eef7";
const MUTED = "#9fb3cf";
const GRID = "rgba(255, 255, 255, 0.12)";
const COLOURS = ["#ffd23f", "#4fc3f7", "#8ee6ae", "#ff8a80", "#b39ddb"];
const FONT = 15;

const charts = new Map();
window.addEventListener("resize", () => { for (const chart of charts.values()) chart.resize(); });

function chartIn(element) {
  let chart = charts.get(element);
  if (!chart) {
    chart = echarts.init(element, null, { renderer: "canvas" });
    charts.set(element, chart);
  }
  return chart;
}

function axis(name, extra = {}) {
  return {
    name,
    nameTextStyle: { color: MUTED, fontSize: FONT },
    axisLabel: { color: INK, fontSize: FONT },
    axisLine: { lineStyle: { color: MUTED } },
    splitLine: { lineStyle: { color: GRID } },
    ...extra,
  };
}

function draw(element, option) {
  chartIn(element).setOption({
    backgroundColor: "transparent",
    color: COLOURS,
    animation: false, // a report is read, not watched; and screenshots see the final picture
    textStyle: { color: INK, fontSize: FONT },
    legend: { top: 0, textStyle: { color: INK, fontSize: FONT } },
    tooltip: { trigger: "axis" },
    grid: { left: 56, right: 56, top: 48, bottom: 36, containLabel: true },
    ...option,
  }, { notMerge: true });
}

// Arrivals per day (bars) and the mean wait (line) for each hour, or each weekday.
export function curveChart(element, { labels, arrivals, waits }, text) {
  draw(element, {
    xAxis: axis("", { type: "category", data: labels }),
    yAxis: [axis(text.chartArrivals, { type: "value" }), axis(text.chartWait, { type: "value", splitLine: { show: false } })],
    series: [
      { name: text.chartArrivals, type: "bar", data: arrivals, barMaxWidth: 36 },
      { name: text.chartWait, type: "line", yAxisIndex: 1, data: waits, symbolSize: 8, lineStyle: { width: 3 } },
    ],
  });
}

// Mean, median and nine-in-ten waits of each service, with the hall's target as a line.
export function waitsChart(element, services, target, text) {
  draw(element, {
    xAxis: axis("", { type: "category", data: services.map((line) => line.name) }),
    yAxis: axis(text.chartMinutes, { type: "value" }),
    series: [
      { name: text.chartMean, type: "bar", data: services.map((line) => line.wait.mean), barMaxWidth: 28,
        markLine: { symbol: "none", lineStyle: { color: "#ff8a80", width: 2, type: "dashed" }, label: { color: "#ff8a80", fontSize: FONT, formatter: text.chartTarget },
          data: [{ yAxis: target }] } },
      { name: text.chartMedian, type: "bar", data: services.map((line) => line.wait.median), barMaxWidth: 28 },
      { name: "P90", type: "bar", data: services.map((line) => line.wait.p90), barMaxWidth: 28 },
    ],
  });
}

// Clerks side by side: services finished (bars) and their mean service time (line).
export function clerksChart(element, clerks, text) {
  draw(element, {
    xAxis: axis("", { type: "category", data: clerks.map((line) => line.name), axisLabel: { color: INK, fontSize: FONT, interval: 0 } }),
    yAxis: [axis(text.chartServed, { type: "value" }), axis(text.chartMinutes, { type: "value", splitLine: { show: false } })],
    series: [
      { name: text.chartServed, type: "bar", data: clerks.map((line) => line.service.count), barMaxWidth: 36 },
      { name: text.chartService, type: "line", yAxisIndex: 1, data: clerks.map((line) => line.service.mean), symbolSize: 8, lineStyle: { width: 3 } },
    ],
  });
}

// Today's arrivals hour by hour against the same weekday last week.
export function todayChart(element, hours, text) {
  draw(element, {
    grid: { left: 40, right: 16, top: 44, bottom: 28, containLabel: true },
    xAxis: axis("", { type: "category", data: hours.map((hour) => String(hour.hour)) }),
    yAxis: axis("", { type: "value" }),
    series: [
      { name: text.chartToday, type: "bar", data: hours.map((hour) => hour.today), barMaxWidth: 28 },
      { name: text.chartLastWeek, type: "line", data: hours.map((hour) => hour.last_week), symbolSize: 6, lineStyle: { width: 3 } },
    ],
  });
}
