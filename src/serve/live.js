// handbook serve: live reload and the error overlay. Injected into every page
// the development server sends (not part of the built site).
(function () {
  'use strict';
  var overlay = null;
  function show(list) {
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'handbook-overlay';
      overlay.setAttribute('role', 'alertdialog');
      overlay.setAttribute('aria-label', '内容有错误');
      overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.92);color:#f4f4f4;' +
        'overflow:auto;padding:2rem;font:14px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace';
      document.body.appendChild(overlay);
    }
    overlay.textContent = '';
    var h = document.createElement('h2');
    // Before the first good build the page is the server's stand-in, not a last good page.
    var noSite = !!document.querySelector('meta[name="handbook-no-site"]');
    h.textContent = noSite ? '内容有错误，站点还没有生成。修改保存后会自动刷新。'
      : '内容有错误，页面仍显示上一次成功构建的结果。修改保存后会自动刷新。';
    h.style.cssText = 'font:600 18px/1.5 system-ui,sans-serif;color:#ff8a7a;margin:0 0 1rem';
    overlay.appendChild(h);
    list.forEach(function (d) {
      var block = document.createElement('pre');
      block.className = 'handbook-diagnostic';
      block.style.cssText = 'white-space:pre-wrap;margin:0 0 1rem;padding:1rem;background:#26262c;border-left:4px solid #ff8a7a';
      var lines = [d.location || '', d.message];
      (d.labels || []).forEach(function (l) { lines.push('  ' + l.location + '：' + l.message); });
      (d.hints || []).forEach(function (h) { lines.push('提示：' + h); });
      block.textContent = lines.join('\n');
      overlay.appendChild(block);
    });
  }
  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  var es = new EventSource('/__handbook/events');
  es.addEventListener('diagnostics', function (e) { show(JSON.parse(e.data)); });
  es.addEventListener('reload', function () { hide(); location.reload(); });
  es.addEventListener('ok', function () { hide(); });
  window.HandbookLive = { connected: function () { return es.readyState === 1; } };
})();
