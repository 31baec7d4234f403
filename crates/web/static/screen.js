// 数据大屏: draws a region's figures with ECharts from /figures/{id}/screen.json
// and fetches them again every minute. ES5, as the rest of the front end.
(function () {
  'use strict';
  var root = document.getElementById('screen');
  if (!root || !window.echarts) return;
  var source = root.getAttribute('data-source');
  var text = { color: '#e8eef8' };
  var axis = { axisLine: { lineStyle: { color: '#5b7bb0' } }, axisLabel: { color: '#c9d6ea' }, splitLine: { lineStyle: { color: '#1f3f73' } } };
  var charts = {};

  function extend(a, b) {
    for (var k in b) if (b.hasOwnProperty(k)) a[k] = b[k];
    return a;
  }

  function chart(id) {
    if (!charts[id]) charts[id] = window.echarts.init(document.getElementById(id), null, { renderer: 'canvas' });
    return charts[id];
  }

  function el(tag, content) {
    var e = document.createElement(tag);
    if (content !== undefined) e.textContent = content;
    return e;
  }

  function fill(id, nodes) {
    var box = document.getElementById(id);
    while (box.firstChild) box.removeChild(box.firstChild);
    for (var i = 0; i < nodes.length; i++) box.appendChild(nodes[i]);
  }

  function draw(d) {
    document.getElementById('period').textContent = d.period_label;
    document.getElementById('updated').textContent = d.updated;
    fill('tiles', d.tiles.map(function (t, i) {
      var li = el('li');
      li.appendChild(el('strong', d.tiles_text[i]));
      li.appendChild(el('span', t.name));
      return li;
    }));
    chart('funnel').setOption({
      tooltip: { trigger: 'item' },
      series: [{ type: 'funnel', sort: 'none', left: '4%', width: '60%', gap: 2,
        label: { color: '#fff', formatter: '{b}：{c}' }, data: d.funnel }]
    });
    chart('trend').setOption({
      tooltip: { trigger: 'axis' },
      legend: { textStyle: text, data: ['提出', '办结'] },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: extend({ type: 'category', data: d.months }, axis),
      yAxis: extend({ type: 'value', minInterval: 1 }, axis),
      series: [{ name: '提出', type: 'line', data: d.raised },
               { name: '办结', type: 'line', data: d.completed }]
    });
    chart('channels').setOption({
      tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
      legend: { bottom: 0, textStyle: text },
      series: [{ type: 'pie', radius: ['35%', '65%'], label: { color: '#e8eef8' }, data: d.channels }]
    });
    chart('categories').setOption({
      tooltip: { trigger: 'axis' },
      grid: { left: 90, right: 24, top: 8, bottom: 24 },
      xAxis: extend({ type: 'value', minInterval: 1 }, axis),
      yAxis: extend({ type: 'category', inverse: true, data: d.categories.map(function (c) { return c.name; }) }, axis),
      series: [{ type: 'bar', data: d.categories.map(function (c) { return c.value; }), itemStyle: { color: '#36cfc9' } }]
    });
    // The rooms on a plane of longitude and latitude: no map tiles needed.
    chart('map').setOption({
      tooltip: { formatter: function (p) { return p.name + '：' + p.value[2] + ' 个议题'; } },
      grid: { left: 48, right: 16, top: 8, bottom: 28 },
      xAxis: extend({ type: 'value', scale: true, name: '经度', nameTextStyle: text }, axis),
      yAxis: extend({ type: 'value', scale: true, name: '纬度', nameTextStyle: text }, axis),
      series: [{ type: 'scatter', data: d.rooms, itemStyle: { color: '#ffd666' },
        symbolSize: function (v) { return Math.max(6, Math.min(40, 4 + Math.sqrt(v[2]) * 4)); } }]
    });
    chart('satisfaction').setOption({
      series: [{ type: 'gauge', min: 0, max: 100, progress: { show: true }, axisLabel: { color: '#c9d6ea' },
        detail: { color: '#ffd666', formatter: d.satisfaction === null ? '—' : '{value}%', fontSize: 26 },
        data: [{ value: d.satisfaction === null ? 0 : Math.round(d.satisfaction * 10) / 10, name: '满意率' }],
        title: { color: '#c9d6ea' } }]
    });
    fill('departments', d.departments.map(function (r) {
      var tr = el('tr');
      tr.appendChild(el('td', r.name));
      tr.appendChild(el('td', String(r.dispatched)));
      tr.appendChild(el('td', r.done_on_time === null ? '—' : (Math.round(r.done_on_time * 10) / 10) + '%'));
      tr.appendChild(el('td', String(r.overdue)));
      return tr;
    }));
    fill('overdue', d.overdue.length ? d.overdue.map(function (o) {
      var li = el('li');
      var a = el('a', o.title);
      a.href = o.link;
      li.appendChild(a);
      li.appendChild(el('span', ' ' + o.room + ' · 期限 ' + o.due));
      return li;
    }) : [el('li', '没有超期任务')]);
  }

  function load() {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', source);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.onload = function () {
      if (xhr.status === 200) draw(JSON.parse(xhr.responseText));
    };
    xhr.send();
  }

  load();
  setInterval(load, 60000);
  window.addEventListener('resize', function () {
    for (var id in charts) if (charts.hasOwnProperty(id)) charts[id].resize();
  });
})();
