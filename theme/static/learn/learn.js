// Learning over weeks: the review schedule (今日复习), reading progress
// (学习进度) and progress files, kept in localStorage under the handbook's
// identity (HandbookSite.id, from sidebar.js), so two handbooks never share
// them. Loaded by every page before book.js; plain JS, works from file://.
// Nothing here is needed to read the handbook: with storage off or full the
// pages work and say that progress is not kept.
//
// The schedule is a Leitner system of five boxes: a wrong answer puts the
// question in box 0, due the next local calendar day; each right answer moves
// it up one box, due 1, 2, 4, 8 or 16 days later. Doubling intervals are the
// simplest spacing that keeps a long-known question from coming back often,
// and they need no per-reader tuning. A question is known by its id and a
// hash of its content: one changed in a new build starts again.
(function () {
  'use strict';
  var site = window.HandbookSite || { id: '', pages: [] };
  var KEY = 'handbook.learn:' + site.id;
  var INTERVALS = [1, 2, 4, 8, 16];
  var FORMAT = 'handbook-progress';
  var VERSION = 1;
  // Bounds for a progress file (it is treated as hostile input) and for what is kept.
  var MAX_FILE_BYTES = 2 * 1024 * 1024;
  var MAX_ENTRIES = 100000;
  var MAX_HISTORY = 1000;
  var script = document.querySelector('script[data-root]');
  var root = script ? script.getAttribute('data-root') || '' : '';
  var isPrint = document.body.classList.contains('print-page');
  var page = currentPage();

  // ---- dates: local calendar days ----
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function dayOf(ms) {
    var d = new Date(ms);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  }
  function today() { return dayOf(Date.now()); }
  function daysLater(n) {
    var d = new Date(Date.now());
    return dayOf(new Date(d.getFullYear(), d.getMonth(), d.getDate() + n, 12).getTime());
  }

  // ---- what is kept, checked alike when read from storage and from a file ----
  function empty() { return { q: {}, ch: {}, hist: [], last: null }; }
  function isObject(x) { return x !== null && typeof x === 'object' && !Array.isArray(x); }
  function bad(what) { throw new Error(what); }
  var DAY = /^\d{4}-\d{2}-\d{2}$/;
  var HASH = /^[0-9a-f]{1,64}$/;
  var ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
  var PAGE_URL = /^[a-z0-9]+(-[a-z0-9]+)*\.html(#[A-Za-z0-9_.-]{1,200})?$/;
  function time(x) { return typeof x === 'number' && isFinite(x) && x >= 0 ? x : bad('时间不正确'); }
  function percent(x) { return typeof x === 'number' && x === Math.round(x) && x >= 0 && x <= 100 ? x : bad('得分不正确'); }
  function keys(o, what) {
    if (!isObject(o)) bad(what + '不正确');
    var k = Object.keys(o);
    if (k.length > MAX_ENTRIES) bad(what + '条目过多');
    return k;
  }
  function clean(x) {
    if (!isObject(x)) bad('内容不是进度数据');
    var out = empty();
    keys(x.q || {}, '题目记录').forEach(function (id) {
      var e = x.q[id];
      if (id.length > 200 || !isObject(e)) bad('题目记录不正确');
      if (typeof e.h !== 'string' || !HASH.test(e.h)) bad('题目记录不正确');
      if (typeof e.c !== 'string' || !ID.test(e.c)) bad('题目记录的章节不正确');
      if (typeof e.b !== 'number' || e.b !== Math.round(e.b) || e.b < 0 || e.b > INTERVALS.length) bad('复习级别不正确');
      if (typeof e.d !== 'string' || !DAY.test(e.d)) bad('复习日期不正确');
      if (typeof e.ok !== 'boolean') bad('题目记录不正确');
      out.q[id] = { h: e.h, c: e.c, b: e.b, d: e.d, t: time(e.t), ok: e.ok };
    });
    keys(x.ch || {}, '章节记录').forEach(function (id) {
      var e = x.ch[id];
      if (!ID.test(id) || !isObject(e)) bad('章节记录不正确');
      var c = {};
      if (e.r != null) c.r = time(e.r);
      if (e.v != null) c.v = time(e.v);
      if (e.p != null) { c.p = percent(e.p); c.st = time(e.st); }
      if (e.bp != null) c.bp = percent(e.bp);
      out.ch[id] = c;
    });
    var hist = x.hist || [];
    if (!Array.isArray(hist) || hist.length > MAX_HISTORY) bad('得分记录不正确');
    hist.forEach(function (h) {
      if (!isObject(h) || typeof h.d !== 'string' || !DAY.test(h.d)) bad('得分记录不正确');
      out.hist.push({ d: h.d, p: percent(h.p), at: time(h.at) });
    });
    if (x.last != null) {
      var l = x.last;
      if (!isObject(l) || typeof l.u !== 'string' || !PAGE_URL.test(l.u)) bad('阅读位置不正确');
      if (typeof l.t !== 'string' || l.t.length > 200) bad('阅读位置不正确');
      out.last = { u: l.u, t: l.t, at: time(l.at) };
    }
    return out;
  }

  // ---- storage ----
  var storageOk = true;
  function storageFailed() {
    storageOk = false;
    showNotice();
  }
  function read() {
    try {
      var raw = window.localStorage.getItem(KEY);
      if (!raw) return empty();
      try { return clean(JSON.parse(raw)); } catch (e) { return empty(); }
    } catch (e) {
      storageFailed();
      return empty();
    }
  }
  function write(s) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(s));
      return true;
    } catch (e) {
      storageFailed();
      return false;
    }
  }
  // A notice at the top of the page, once, when progress cannot be kept.
  function showNotice() {
    if (isPrint || document.querySelector('.learn-notice')) return;
    var main = document.querySelector('article.page');
    if (!main) return;
    var p = document.createElement('p');
    p.className = 'learn-notice';
    p.setAttribute('role', 'status');
    p.textContent = '这个浏览器不允许保存数据（可能处于无痕模式，或存储已满）：可以照常阅读、搜索和答题，但答题记录、复习计划、学习进度和搜索记录不会保存。';
    main.insertBefore(p, main.firstChild);
  }

  // ---- the schedule ----
  function answered(q, correct) {
    if (!q || !q.id || !q.hash) return;
    var s = read();
    var e = s.q[q.id];
    if (e && e.h !== q.hash) e = null;
    var box = correct ? Math.min((e ? e.b : 0) + 1, INTERVALS.length) : 0;
    s.q[q.id] = { h: q.hash, c: q.chapter, b: box, d: daysLater(correct ? INTERVALS[box - 1] : 1), t: Date.now(), ok: correct };
    write(s);
    showCount(s);
  }
  function due(s) {
    var t = today();
    return Object.keys(s.q).filter(function (id) { return s.q[id].d <= t; });
  }
  function showCount(s) {
    var link = document.querySelector('.review-link');
    if (!link) return;
    var n = due(s || read()).length;
    var count = link.querySelector('.review-count');
    if (count) {
      count.textContent = n ? String(n) : '';
      count.hidden = !n;
    }
    link.setAttribute('aria-label', n ? '今日复习：' + n + ' 题待复习' : '今日复习：没有待复习的题');
  }

  // ---- scores and reading ----
  function chapter(s, id) { return s.ch[id] || (s.ch[id] = {}); }
  function score(id, right, total) {
    if (!ID.test(id) || !total) return;
    var s = read();
    var c = chapter(s, id);
    var p = Math.round(100 * right / total);
    if (c.p === p && c.bp != null && c.bp >= p && s.hist.length && s.hist[s.hist.length - 1].d === today()) return;
    c.p = p;
    c.st = Date.now();
    c.bp = Math.max(c.bp || 0, p);
    // One point a day on the chart: the mean of the chapters' scores.
    var scored = Object.keys(s.ch).filter(function (k) { return s.ch[k].p != null; });
    var mean = Math.round(scored.reduce(function (a, k) { return a + s.ch[k].p; }, 0) / scored.length);
    var t = today();
    s.hist = s.hist.filter(function (h) { return h.d !== t; });
    s.hist.push({ d: t, p: mean, at: Date.now() });
    if (s.hist.length > MAX_HISTORY) s.hist = s.hist.slice(-MAX_HISTORY);
    write(s);
  }

  // ---- what was searched (搜索记录) ----
  // The searches typed on this browser and the result opened for each, kept
  // for the progress page, where the reader can export them for whoever
  // keeps the handbook: they are the questions in readers' own words that
  // the asks should answer (`handbook search --eval` reads the file). Only
  // what the search box reports (search.js); never sent anywhere.
  var SEARCH_KEY = 'handbook.searches:' + site.id;
  var MAX_SEARCHES = 300;
  var MAX_SEARCH_CHARS = 200;
  function validSearch(x) {
    return isObject(x) && typeof x.q === 'string' && x.q !== '' && x.q.length <= MAX_SEARCH_CHARS &&
      typeof x.a === 'string' && (x.a === '' || x.a.length <= 200) &&
      typeof x.r === 'number' && x.r === Math.round(x.r) && x.r >= 0 && x.r <= 1000 &&
      typeof x.d === 'string' && DAY.test(x.d);
  }
  function searches() {
    try {
      var raw = window.localStorage.getItem(SEARCH_KEY);
      var list = raw ? JSON.parse(raw) : [];
      return Array.isArray(list) ? list.filter(validSearch) : [];
    } catch (e) {
      return [];
    }
  }
  // One entry per query, the latest last: searching again moves it; an
  // opened result is kept over a later search that opened none (leaving the
  // search box on the way to a result reports the query unopened first).
  function searched(q, id, rank) {
    q = String(q == null ? '' : q).trim().slice(0, MAX_SEARCH_CHARS);
    if (!q) return;
    var list = searches(), before = null;
    list = list.filter(function (x) {
      if (x.q !== q) return true;
      before = x;
      return false;
    });
    var e = { q: q, a: id ? String(id).slice(0, 200) : '', r: id ? rank | 0 : 0, d: today() };
    if (!e.a && before && before.a) { e.a = before.a; e.r = before.r; }
    list.push(e);
    try {
      window.localStorage.setItem(SEARCH_KEY, JSON.stringify(list.slice(-MAX_SEARCHES)));
    } catch (err) {
      storageFailed();
    }
  }
  // A string as YAML writes it in double quotes: JSON's escapes are YAML's,
  // and what YAML does not print raw (C1 controls, line and paragraph
  // separators, noncharacters) is escaped too; a lone surrogate becomes U+FFFD.
  function yamlString(s) {
    var whole = Array.from(s).map(function (c) { return c.length === 1 && c >= '\ud800' && c <= '\udfff' ? '\ufffd' : c; }).join('');
    return JSON.stringify(whole).replace(/[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g, function (c) {
      return '\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }
  // The searches as a questions file for `handbook search --eval`: an opened
  // result is the reader's answer; a search that opened none names no answer
  // (the eval lists it with what came first, for whoever reads the file).
  function searchFile(list) {
    var title = document.querySelector('.book-title');
    var name = title ? title.textContent.trim().replace(/\s+/g, ' ').slice(0, 60) : site.id;
    var lines = [
      '# 搜索记录：《' + name + '》，' + today() + ' 导出，共 ' + list.length + ' 次搜索（只含本机浏览器保存的最近 ' + MAX_SEARCHES + ' 次）。',
      '# 每行一次搜索：q 是输入的内容，answers 是读者打开的结果所在的节。',
      '# answers 为空的是没有打开任何结果的搜索：手册中若有能回答它的节，可把节的 id 写进去。',
      '# 运行 handbook search --eval 本文件：排名不在第一的问题会被列出，并指出该在哪一节补写 asks；',
      '# 没有答案的问题不计分，会列出搜索排在第一的结果。'
    ];
    list.forEach(function (x) {
      var line = '- { q: ' + yamlString(x.q) + ', answers: [' + (x.a ? yamlString(x.a) : '') + '] }';
      lines.push(line + '  # ' + (x.a ? '打开了第 ' + x.r + ' 条结果' : '没有打开结果') + '，' + x.d);
    });
    return lines.join('\n') + '\n';
  }

  // The page this is: a chapter's id (index.html is the first chapter), or ''.
  function currentPage() {
    var file = decodeURIComponent(location.pathname.split('/').pop() || 'index.html');
    var id = file.replace(/\.html$/, '');
    if (id === 'index' && site.pages.length) id = site.pages[0].id;
    return site.pages.some(function (p) { return p.id === id; }) ? id : '';
  }
  function isChapter(id) { return id && id !== 'review' && id !== 'progress'; }

  function trackReading() {
    if (isPrint || !isChapter(page)) return;
    var s = read();
    chapter(s, page).v = Date.now();
    write(s);
    var article = document.querySelector('article.page');
    if (!article) return;
    var pending = false;
    function look() {
      pending = false;
      var s = read();
      var changed = false;
      var c = chapter(s, page);
      // Its end reached: the bottom of the text is in view.
      if (!c.r && article.getBoundingClientRect().bottom <= window.innerHeight + 2) {
        c.r = Date.now();
        changed = true;
        markSidebar(s);
      }
      // The last section heading above the upper third of the window.
      var line = window.innerHeight / 3, here = null;
      article.querySelectorAll('h1[id], h2[id], h3[id], h4[id]').forEach(function (h) {
        if (h.getBoundingClientRect().top <= line) here = h;
      });
      if (here) {
        var u = page + '.html#' + here.id;
        if (PAGE_URL.test(u) && (!s.last || s.last.u !== u)) {
          s.last = { u: u, t: here.textContent.trim().slice(0, 200), at: Date.now() };
          changed = true;
        }
      }
      if (changed) write(s);
    }
    function later() {
      if (!pending) {
        pending = true;
        setTimeout(look, 150);
      }
    }
    window.addEventListener('scroll', later, { passive: true });
    window.addEventListener('resize', later);
    look();
  }

  function markSidebar(s) {
    document.querySelectorAll('#sidebar-chapters a[href]').forEach(function (a) {
      var id = (a.getAttribute('href') || '').split('/').pop().replace(/\.html$/, '');
      var read = !!(s.ch[id] && s.ch[id].r);
      var li = a.closest('li');
      if (li) li.classList.toggle('chapter-read', read);
      var mark = a.querySelector('.read-mark');
      if (read && !mark) {
        mark = document.createElement('span');
        mark.className = 'read-mark';
        mark.appendChild(document.createTextNode(' ✓'));
        var hidden = document.createElement('span');
        hidden.className = 'visually-hidden';
        hidden.textContent = '（已读）';
        mark.appendChild(hidden);
        a.appendChild(mark);
      }
    });
  }

  // The first page offers to go on where the reader left off.
  function continueReading(s) {
    if (isPrint || !site.pages.length || page !== site.pages[0].id || !s.last) return;
    var target = s.last.u.split('#')[0].replace(/\.html$/, '');
    if (!site.pages.some(function (p) { return p.id === target; })) return;
    var article = document.querySelector('article.page');
    if (!article) return;
    var p = document.createElement('p');
    p.className = 'continue-reading';
    var a = document.createElement('a');
    a.href = root + s.last.u;
    a.textContent = '继续阅读：' + pageTitle(target) + ' › ' + s.last.t;
    p.appendChild(a);
    article.insertBefore(p, article.firstChild);
  }

  // ---- small DOM helpers ----
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function button(text, cls) {
    var b = el('button', cls, text);
    b.type = 'button';
    return b;
  }
  function loadScript(src, done) {
    var s = document.createElement('script');
    s.src = src;
    s.onload = function () { done(true); };
    s.onerror = function () { done(false); };
    document.head.appendChild(s);
  }
  function pageTitle(id) {
    for (var i = 0; i < site.pages.length; i++) if (site.pages[i].id === id) return site.pages[i].title;
    return id;
  }

  // ---- the review page ----
  var chapterData = {};
  function reviewPage(body) {
    body.textContent = '';
    var status = el('p', 'review-status');
    status.setAttribute('role', 'status');
    body.appendChild(status);
    var s = read();
    var ids = due(s);
    var chapters = [];
    ids.forEach(function (id) { if (chapters.indexOf(s.q[id].c) < 0) chapters.push(s.q[id].c); });
    if (!ids.length) {
      status.textContent = nothingDue(s);
      return;
    }
    status.textContent = '正在载入今天要复习的题目……';
    // Only the chapters with a question due, and the quiz widget.
    var waiting = chapters.length + (window.HandbookQuiz ? 0 : 1);
    function one() { if (--waiting === 0) ask(); }
    chapters.forEach(function (c) { loadScript(root + 'quiz/data/' + c + '.js', one); });
    if (!window.HandbookQuiz) loadScript(root + 'quiz/quiz.js', one);

    function ask() {
      var s = read();
      var list = el('ol', 'quiz-questions review-questions');
      var asked = [];
      due(s).forEach(function (id) {
        var e = s.q[id];
        var qs = chapterData[e.c] || [];
        var q = null;
        for (var i = 0; i < qs.length; i++) if (qs[i].id === id) q = qs[i];
        // Removed from the handbook, or changed (then it is new: asked again on its page).
        if (!q || q.hash !== e.h) {
          delete s.q[id];
          return;
        }
        asked.push(q);
      });
      write(s);
      if (!asked.length || !window.HandbookQuiz) {
        status.textContent = window.HandbookQuiz ? nothingDue(s) : '题目未能载入。';
        showCount(s);
        return;
      }
      asked.forEach(function (q, i) {
        var item = window.HandbookQuiz.question(q, i, 'review', left);
        var from = el('p', 'review-from', '出自：' + pageTitle(q.chapter));
        item.li.insertBefore(from, item.li.firstChild);
        list.appendChild(item.li);
      });
      body.appendChild(list);
      showCount(s);
      left();
      function left() {
        var n = due(read()).length;
        status.textContent = n ? '今天还有 ' + n + ' 题待复习。' : '今天的复习已经完成。';
      }
    }
  }
  function nothingDue(s) {
    var next = null, n = 0;
    Object.keys(s.q).forEach(function (id) {
      var d = s.q[id].d;
      if (next === null || d < next) { next = d; n = 0; }
      if (d === next) n++;
    });
    return '今天没有需要复习的题目。' + (next ? '下一次复习在 ' + next + '，共 ' + n + ' 题。' : '在各章末尾答题后，答过的题会按计划回到这里。');
  }

  // ---- the progress page ----
  function progressPage(body) {
    body.textContent = '';
    var s = read();
    var status = el('p', 'progress-status');
    status.setAttribute('role', 'status');
    var n = due(s).length;
    var summary = el('p', 'progress-due');
    var link = el('a', null, n ? '今日待复习 ' + n + ' 题' : '今天没有待复习的题');
    link.href = root + 'review.html';
    summary.appendChild(link);
    body.appendChild(summary);

    var table = el('table', 'progress-table');
    table.appendChild(el('caption', null, '各章进度'));
    var head = el('tr');
    ['章节', '已读', '测验得分', '最高分', '上次访问'].forEach(function (h) {
      var th = el('th', null, h);
      th.scope = 'col';
      head.appendChild(th);
    });
    table.appendChild(el('thead')).appendChild(head);
    var tbody = el('tbody');
    site.pages.filter(function (p) { return isChapter(p.id); }).forEach(function (p) {
      var c = s.ch[p.id] || {};
      var tr = el('tr');
      var th = el('th');
      th.scope = 'row';
      var a = el('a', null, p.title);
      a.href = root + p.url;
      th.appendChild(a);
      tr.appendChild(th);
      tr.appendChild(el('td', 'progress-read', c.r ? '已读' : '未读'));
      tr.appendChild(el('td', null, p.questions ? (c.p != null ? c.p + ' 分' : '未答') : '—'));
      tr.appendChild(el('td', null, p.questions && c.bp != null ? c.bp + ' 分' : '—'));
      tr.appendChild(el('td', null, c.v ? dayOf(c.v) : '—'));
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    // On a narrow screen the table scrolls within this, not the page.
    body.appendChild(el('div', 'progress-table-wrap')).appendChild(table);
    body.appendChild(chart(s.hist));

    body.appendChild(searchSection(status));

    var files = el('div', 'progress-files');
    files.appendChild(el('h2', null, '换电脑或换浏览器'));
    var exp = button('导出进度文件', 'progress-export');
    var download = offer(exp, 'progress-download', '进度文件', '学习进度', '.json', 'application/json', status,
      function () { return JSON.stringify(exportFile(), null, 1); });
    var label = el('label', 'progress-import', '导入进度文件：');
    var input = el('input');
    input.type = 'file';
    input.accept = '.json,application/json';
    label.appendChild(input);
    input.addEventListener('change', function () {
      var f = input.files && input.files[0];
      if (!f) return;
      if (f.size > MAX_FILE_BYTES) {
        status.textContent = '无法导入：文件太大，不是本手册的进度文件。';
        return;
      }
      var reader = new FileReader();
      reader.onload = function () {
        var message = importText(String(reader.result));
        input.value = '';
        progressPage(body);
        body.querySelector('.progress-status').textContent = message;
      };
      reader.onerror = function () { status.textContent = '无法导入：文件读不出来。'; };
      reader.readAsText(f);
    });
    var reset = button('清除全部进度', 'progress-reset');
    var confirm = el('div', 'progress-confirm');
    confirm.hidden = true;
    confirm.appendChild(el('p', null, '确定要清除本机保存的全部答题记录、复习计划、学习进度和搜索记录吗？清除后无法恢复（可先导出进度文件）。'));
    var yes = button('确定清除', 'progress-reset-yes');
    var no = button('取消', 'progress-reset-no');
    confirm.appendChild(yes);
    confirm.appendChild(no);
    reset.addEventListener('click', function () { confirm.hidden = false; no.focus(); });
    no.addEventListener('click', function () { confirm.hidden = true; reset.focus(); });
    yes.addEventListener('click', function () {
      clearAll();
      progressPage(body);
      body.querySelector('.progress-status').textContent = '已清除本机保存的全部进度。';
      body.querySelector('.progress-reset').focus();
    });
    [exp, download, label, reset, confirm].forEach(function (x) { files.appendChild(x); });
    body.appendChild(files);
    body.appendChild(status);
  }

  // A download link that the button `exp` fills with a file made by `make`
  // when pressed (named after the handbook, `part` and the day) and follows;
  // the link stays, for a browser that asks where to save.
  function offer(exp, cls, what, part, ext, type, status, make) {
    var download = el('a', cls);
    download.hidden = true;
    exp.addEventListener('click', function () {
      var blob = new Blob([make()], { type: type });
      if (download.href) URL.revokeObjectURL(download.href);
      download.href = URL.createObjectURL(blob);
      download.download = site.id + '-' + part + '-' + today() + ext;
      download.textContent = '下载' + what + '（' + download.download + '）';
      download.hidden = false;
      download.click();
      status.textContent = what + '已生成。';
    });
    return download;
  }

  // The searches kept on this browser: how many, the latest, and the file
  // that hands them on.
  function searchSection(status) {
    var box = el('div', 'progress-files progress-searches');
    box.appendChild(el('h2', null, '搜索记录'));
    var list = searches();
    var opened = list.filter(function (x) { return x.a; }).length;
    box.appendChild(el('p', 'progress-search-count', list.length
      ? '本机保存了 ' + list.length + ' 次搜索，其中 ' + opened + ' 次打开了结果。'
      : '还没有搜索记录。'));
    box.appendChild(el('p', 'learn-intro', '搜索记录只保存在这个浏览器中，不会自动发送到任何地方。把它导出交给负责手册的同事，可以让手册更懂大家的提问：用自己的话也能搜到答案。'));
    if (!list.length) return box;
    var details = el('details', 'progress-search-list');
    details.appendChild(el('summary', null, '最近的搜索'));
    var ol = el('ol');
    list.slice(-20).reverse().forEach(function (x) {
      ol.appendChild(el('li', null, x.q + (x.a ? '（打开了第 ' + x.r + ' 条结果）' : '（没有打开结果）') + '，' + x.d));
    });
    details.appendChild(ol);
    box.appendChild(details);
    var exp = button('导出搜索记录', 'progress-search-export');
    var download = offer(exp, 'progress-download progress-search-download', '搜索记录', '搜索记录', '.yaml',
      'text/yaml;charset=utf-8', status, function () { return searchFile(searches()); });
    var clear = button('清除搜索记录', 'progress-search-clear');
    clear.addEventListener('click', function () {
      try { window.localStorage.removeItem(SEARCH_KEY); } catch (e) { storageFailed(); }
      var fresh = searchSection(status);
      box.parentNode.replaceChild(fresh, box);
      status.textContent = '已清除本机保存的搜索记录。';
      var h = fresh.querySelector('h2');
      if (h) { h.tabIndex = -1; h.focus(); }
    });
    [exp, clear, download].forEach(function (x) { box.appendChild(x); });
    return box;
  }

  // Quiz scores over time: one point a day, inline SVG (no library), with
  // the same figures as text for screen readers.
  function chart(hist) {
    var box = el('figure', 'progress-chart');
    box.appendChild(el('figcaption', null, '测验平均得分变化'));
    if (!hist.length) {
      box.appendChild(el('p', null, '还没有测验得分。'));
      return box;
    }
    // The HTML parser gives the element SVG's namespace (no URL written here).
    var holder = el('div');
    holder.innerHTML = '<svg></svg>';
    var svg = holder.firstChild;
    var NS = svg.namespaceURI;
    var W = 600, H = 200, L = 40, R = 10, T = 10, B = 30;
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    svg.setAttribute('role', 'img');
    var words = hist.map(function (h) { return h.d + ' ' + h.p + ' 分'; }).join('，');
    svg.setAttribute('aria-label', '测验平均得分：' + words);
    function add(tag, attrs, text) {
      var e = document.createElementNS(NS, tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      if (text != null) e.textContent = text;
      svg.appendChild(e);
      return e;
    }
    [0, 50, 100].forEach(function (v) {
      var y = T + (H - T - B) * (1 - v / 100);
      add('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'chart-grid' });
      add('text', { x: L - 6, y: y + 4, 'text-anchor': 'end', class: 'chart-label' }, String(v));
    });
    var step = hist.length > 1 ? (W - L - R) / (hist.length - 1) : 0;
    var points = hist.map(function (h, i) {
      return [L + (hist.length > 1 ? i * step : (W - L - R) / 2), T + (H - T - B) * (1 - h.p / 100)];
    });
    add('polyline', { points: points.map(function (p) { return p.join(','); }).join(' '), class: 'chart-line' });
    points.forEach(function (p) { add('circle', { cx: p[0], cy: p[1], r: 3.5, class: 'chart-point' }); });
    add('text', { x: L, y: H - 8, class: 'chart-label' }, hist[0].d);
    if (hist.length > 1) add('text', { x: W - R, y: H - 8, 'text-anchor': 'end', class: 'chart-label' }, hist[hist.length - 1].d);
    box.appendChild(svg);
    return box;
  }

  // ---- progress files ----
  function exportFile() {
    var title = document.querySelector('.book-title');
    return {
      format: FORMAT,
      version: VERSION,
      handbook: site.id,
      title: title ? title.textContent.trim() : '',
      exported: new Date(Date.now()).toISOString(),
      progress: read()
    };
  }
  // Reads a progress file as data (never evaluated), checks it whole, and
  // merges it into what is kept: per question the later answer wins, best
  // scores take the higher, read marks add up. Returns what to tell the reader.
  function importText(text) {
    var file;
    try { file = JSON.parse(text); } catch (e) { return '无法导入：这不是进度文件（内容不是 JSON）。'; }
    if (!isObject(file) || file.format !== FORMAT) return '无法导入：这不是本手册的进度文件。';
    if (file.version !== VERSION) return '无法导入：进度文件的版本（' + String(file.version).slice(0, 20) + '）不受支持。';
    if (file.handbook !== site.id) {
      var other = typeof file.title === 'string' && file.title ? '《' + file.title.slice(0, 60) + '》' : '另一本手册';
      return '无法导入：这是' + other + '的进度文件，不是这本手册的。';
    }
    var incoming;
    try { incoming = clean(file.progress); } catch (e) { return '无法导入：进度文件已损坏（' + e.message + '）。'; }
    var s = merge(read(), incoming);
    if (!write(s)) return '无法导入：浏览器不允许保存数据。';
    // The chapter quizzes show the answers that won too.
    var prefix = 'handbook.quiz:' + site.id + ':';
    Object.keys(incoming.q).forEach(function (id) {
      if (s.q[id] !== incoming.q[id]) return;
      try { window.localStorage.setItem(prefix + id, JSON.stringify({ correct: incoming.q[id].ok, h: incoming.q[id].h })); } catch (e) { /* noticed by write */ }
    });
    return '已导入：' + Object.keys(incoming.q).length + ' 道题的记录，' + Object.keys(incoming.ch).length + ' 章的进度。';
  }
  function merge(a, b) {
    Object.keys(b.q).forEach(function (id) {
      if (!a.q[id] || b.q[id].t > a.q[id].t) a.q[id] = b.q[id];
    });
    Object.keys(b.ch).forEach(function (id) {
      var x = a.ch[id] || (a.ch[id] = {}), y = b.ch[id];
      if (y.r != null) x.r = x.r != null ? Math.min(x.r, y.r) : y.r;
      if (y.v != null) x.v = Math.max(x.v || 0, y.v);
      if (y.p != null && (x.st == null || y.st > x.st)) { x.p = y.p; x.st = y.st; }
      if (y.bp != null) x.bp = Math.max(x.bp || 0, y.bp);
    });
    var days = {};
    a.hist.concat(b.hist).forEach(function (h) { if (!days[h.d] || h.at > days[h.d].at) days[h.d] = h; });
    a.hist = Object.keys(days).sort().map(function (d) { return days[d]; }).slice(-MAX_HISTORY);
    if (b.last && (!a.last || b.last.at > a.last.at)) a.last = b.last;
    return a;
  }
  function clearAll() {
    try {
      var storage = window.localStorage;
      var prefix = 'handbook.quiz:' + site.id + ':';
      var gone = [];
      for (var i = 0; i < storage.length; i++) {
        var k = storage.key(i);
        if (k === KEY || k === SEARCH_KEY || (k && k.indexOf(prefix) === 0)) gone.push(k);
      }
      gone.forEach(function (k) { storage.removeItem(k); });
    } catch (e) {
      storageFailed();
    }
  }

  window.HandbookLearn = {
    answered: answered,
    score: score,
    storageFailed: storageFailed,
    searched: searched,
    data: function (d) { if (d && typeof d.chapter === 'string' && Array.isArray(d.questions)) chapterData[d.chapter] = d.questions; }
  };

  if (isPrint) return;
  var state = read();
  showCount(state);
  markSidebar(state);
  continueReading(state);
  trackReading();
  var review = document.getElementById('review-body');
  if (review) reviewPage(review);
  var progress = document.getElementById('progress-body');
  if (progress) progressPage(progress);
  if (!storageOk) showNotice();
})();
