// The handbook's in-browser search. Loaded by book.js the first time search is
// opened; loads its data as classic <script> files (which work from file://,
// where fetch, XHR and module imports do not).
//
// The tokenizer, the query expansion and the ranking mirror src/search/
// (tokenize.rs, rank.rs, snippet.rs) line for line: for the same data, the
// browser ranks exactly like `handbook search`.
(function () {
  'use strict';
  var base = window.HandbookSearchBase || 'search/';
  var meta = null;
  var lists = {};       // "t:term" / "b:term" … -> [order, contribution, ...], decoded from shards
  var synLists = {};    // the same for a synonym's term (shorter lists), from group files
  var docs = {};        // chunk number -> [[url, breadcrumb, title, text, asks?], ...]
  var nears = {};       // near chunk number -> [[word, offset, ...] per section]
  var pending = {};     // script src -> Promise

  // ---- data loading ---------------------------------------------------------
  var api = window.HandbookSearch = window.HandbookSearch || {};
  api.meta = function (m) { meta = m; };
  // The form of the data this code reads (export.rs DATA_FORMAT; the build
  // refuses a search.js that does not declare the one it writes).
  var DATA_FORMAT = 2;
  // export.rs encode_list: varints of 5 bits a digit, low bits first, 32 when
  // more follow; each order a zigzag difference from the previous one.
  var DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var digit = {};
  for (var di = 0; di < 64; di++) digit[DIGITS.charCodeAt(di)] = di;
  function decodeList(s) {
    var out = [], prev = 0, v = 0, scale = 1;
    for (var i = 0; i < s.length; i++) {
      var d = digit[s.charCodeAt(i)];
      v += (d % 32) * scale; // arithmetic, not bit shifts: numbers may pass 2^31
      if (d >= 32) { scale *= 32; continue; }
      if (out.length % 2 === 0) { prev += v % 2 === 0 ? v / 2 : -(v + 1) / 2; out.push(prev); }
      else out.push(v);
      v = 0; scale = 1;
    }
    return out;
  }
  function merge(into, data) { for (var k in data) into[k] = decodeList(data[k]); }
  api.shard = function (n, data) { merge(lists, data); };
  api.group = function (n, data) { merge(synLists, data); };
  api.docs = function (n, list) { docs[n] = list; };
  api.near = function (n, list) { nears[n] = list; };

  function load(path) {
    if (!pending[path]) {
      pending[path] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = base + path;
        s.onload = function () { resolve(); };
        s.onerror = function () { delete pending[path]; reject(new Error('无法加载 ' + path)); };
        document.head.appendChild(s);
      });
    }
    return pending[path];
  }

  // ---- tokenize.rs ----------------------------------------------------------
  function isHan(cp) {
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F) || cp === 0x3007;
  }
  function normalizeChar(ch) {
    var cp = ch.codePointAt(0);
    if (cp >= 0xFF01 && cp <= 0xFF5E) ch = String.fromCodePoint(cp - 0xFEE0);
    else if (cp === 0x3000) ch = ' ';
    else if ((cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF)) ch = unaccented(ch);
    return /[A-Z]/.test(ch) ? ch.toLowerCase() : ch;
  }
  // tokenize.rs unaccented(): the base of a Latin letter with one accent or more; ü is v.
  function unaccented(ch) {
    var d = Array.from(ch.normalize('NFD'));
    if (d.length < 2 || !/^[A-Za-z]$/.test(d[0])) return ch;
    return d[1] === '\u0308' && (d[0] === 'u' || d[0] === 'U') ? 'v' : d[0];
  }
  // tokenize.rs numerals(): a lone ASCII digit beside a Han character is its Chinese numeral.
  var NUMERALS = '零一二三四五六七八九';
  function numerals(chars) {
    function partOfNumber(c) { return c !== undefined && /^[0-9A-Za-z.]$/.test(c); }
    function han(c) { return c !== undefined && isHan(c.codePointAt(0)); }
    for (var i = 0; i < chars.length; i++) {
      if (!/^[0-9]$/.test(chars[i])) continue;
      var before = chars[i - 1], after = chars[i + 1];
      if (!partOfNumber(before) && !partOfNumber(after) && (han(before) || han(after))) chars[i] = NUMERALS[+chars[i]];
    }
    return chars;
  }
  function isAlnum(ch) { return /^[0-9a-z]$/.test(ch); }
  function tokenize(text) {
    var chars = numerals(Array.from(text).map(normalizeChar));
    var out = [], i = 0;
    while (i < chars.length) {
      var start = i;
      if (isHan(chars[i].codePointAt(0))) {
        while (i < chars.length && isHan(chars[i].codePointAt(0))) i++;
        if (i - start === 1) out.push({ text: chars[start], from: start, to: i });
        else for (var j = start; j < i - 1; j++) out.push({ text: chars[j] + chars[j + 1], from: j, to: j + 2 });
      } else if (isAlnum(chars[i])) {
        while (i < chars.length && isAlnum(chars[i])) i++;
        out.push({ text: chars.slice(start, i).join(''), from: start, to: i });
      } else {
        i++;
      }
    }
    return out;
  }
  // fold.rs: traditional to simplified, with the pairs the build exported.
  var foldMap = null;
  function foldChar(ch) {
    if (foldMap === null) {
      foldMap = new Map();
      var p = Array.from(meta.fold || '');
      for (var i = 0; i + 1 < p.length; i += 2) foldMap.set(p[i], p[i + 1]);
    }
    return foldMap.get(ch) || ch;
  }
  // rank.rs prepare(): normalized, then folded; one char out per char in.
  function prepare(s) { return numerals(Array.from(s).map(function (c) { return foldChar(normalizeChar(c)); })).join(''); }

  // ---- rank.rs --------------------------------------------------------------
  function stripIgnored(query) {
    var norm = prepare(query);
    meta.ignore.forEach(function (w) {
      w = prepare(w);
      if (w) norm = norm.split(w).join(' ');
    });
    return norm;
  }
  // rank.rs clip(): the first max_query_chars characters (code points) of a query.
  function clip(query) { return Array.from(query).slice(0, meta.max_query_chars).join(''); }
  api.clipped = function (query) { return meta != null && Array.from(query).length > meta.max_query_chars; };
  function expand(query) {
    var norm = stripIgnored(clip(query));
    var out = [];
    function has(t) { return out.some(function (o) { return o.text === t; }); }
    tokenize(norm).forEach(function (t) {
      if (!has(t.text)) out.push({ text: t.text, weight: 100, group: out.length, direct: true });
    });
    // rank.rs: pinyin typed with spaces (`bi gan zi`) is also searched run together.
    var words = norm.split(' ').filter(function (w) { return w !== ''; });
    if (words.length > 1 && words.every(function (w) { return /^[a-z]+$/.test(w); })) {
      var joined = words.join('');
      if (!has(joined)) out.push({ text: joined, weight: 100, group: out.length, direct: true });
    }
    var next = out.length;
    meta.synonyms.forEach(function (group, g) {
      function present(m) { m = prepare(m); return m !== '' && norm.indexOf(m) >= 0; }
      if (!group.some(present)) return;
      group.filter(function (m) { return !present(m); }).forEach(function (m) {
        tokenize(prepare(m)).forEach(function (t) {
          if (!has(t.text)) out.push({ text: t.text, weight: meta.synonym_percent, group: next, direct: false, synonyms: g });
        });
      });
      next++;
    });
    // The query's distinct Han characters, for the asks' characters only (rank.rs QueryTerm::chars).
    var seen = new Set();
    Array.from(norm).forEach(function (c) {
      if (isHan(c.codePointAt(0)) && !seen.has(c)) {
        seen.add(c);
        out.push({ text: c, weight: 100, group: 0, direct: true, chars: true });
      }
    });
    return out;
  }
  function fnv1a(key) {
    var h = 0x811c9dc5;
    for (var i = 0; i < key.length; i++) {
      h = (h ^ key.charCodeAt(i)) >>> 0;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }
  var WORD_FIELDS = [['t', 'title_weight'], ['b', 'body_weight'], ['a', 'asks_weight'], ['p', 'pinyin_weight'], ['n', 'near_weight']];
  var CHAR_FIELDS = [['c', 'ask_chars_weight']];
  // export.rs Family: Han words of 2+ characters in s/, single Han characters in u/, Latin words in l/.
  function shardFile(term) {
    var chars = Array.from(term), han = chars.length > 0 && isHan(chars[0].codePointAt(0));
    if (han && chars.length >= 2) return 's/' + (fnv1a(term) % meta.shards);
    if (han) return 'u/' + (fnv1a(term) % meta.char_shards);
    return 'l/' + (fnv1a(term) % meta.latin_shards);
  }
  // export.rs TermFilter: a Bloom filter of the indexed terms. A term it rules
  // out is in no section, so its shard is not loaded (its lists are empty).
  var filterBits = null;
  function fmix32(h) {
    h = (h ^ (h >>> 16)) >>> 0;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    return (h ^ (h >>> 16)) >>> 0;
  }
  function mayBeIndexed(term) {
    var f = meta.terms;
    if (!f) return true;
    if (filterBits === null) filterBits = atob(f.bits);
    var h1 = fnv1a(term), h2 = (fmix32(h1) | 1) >>> 0;
    for (var i = 0; i < f.k; i++) {
      var b = ((h1 + Math.imul(i, h2)) >>> 0) % f.m;
      if (!(filterBits.charCodeAt(b >>> 3) & (1 << (b & 7)))) return false;
    }
    return true;
  }
  // The file a term's lists are in: its shard, or its synonym group's file;
  // none for a term in no section.
  function fileOf(t) {
    if (!t.direct) return 'g/' + t.synonyms;
    return mayBeIndexed(t.text) ? shardFile(t.text) : null;
  }
  function postingsOf(field, t) {
    return (t.direct ? lists : synLists)[field + ':' + t.text] || [];
  }
  function combine(terms) {
    var n = 0;
    terms.forEach(function (t) { if (!t.chars) n = Math.max(n, t.group + 1); });
    n = Math.min(n, 64);
    if (n === 0) return [];
    var own = new Set();
    terms.forEach(function (t) { if (t.direct && !t.chars && t.group < 64) own.add(t.group); });
    var acc = new Map();
    terms.forEach(function (t) {
      (t.chars ? CHAR_FIELDS : WORD_FIELDS).forEach(function (f) {
        var fw = meta[f[1]];
        if (fw === 0) return;
        var l = postingsOf(f[0], t);
        for (var i = 0; i < l.length; i += 2) {
          var a = acc.get(l[i]);
          if (!a) { a = { base: 0, chars: 0, asks: 0, near: 0, groups: new Set(), title: new Set(), text: new Set() }; acc.set(l[i], a); }
          if (t.chars) a.chars += fw * t.weight * l[i + 1];
          else a.base += fw * t.weight * l[i + 1];
          if (f[0] === 'a' || f[0] === 'c') a.asks += fw * t.weight * l[i + 1];
          if (f[0] === 'n') a.near += fw * t.weight * l[i + 1];
          if (t.group < 64 && !t.chars && f[0] !== 'n') {
            a.groups.add(t.group);
            if (f[0] === 't' || f[0] === 'p') a.title.add(t.group);
            if (f[0] === 't' || f[0] === 'p' || f[0] === 'b') a.text.add(t.group);
          }
        }
      });
    });
    var hits = [];
    acc.forEach(function (a, order) {
      var inTitle = 1, inText = 1;
      own.forEach(function (g) {
        if (!a.title.has(g)) inTitle = 0;
        if (!a.text.has(g)) inText = 0;
      });
      // A section whose own words hold the whole query is explained by them.
      var m = a.groups.size, viaAsk = !inText && 2 * a.asks > a.base + a.chars;
      hits.push({ order: order, score: a.base * (n + meta.coverage * m + 2 * n * inTitle + n * inText) + a.chars * n,
        viaAsk: viaAsk, viaNear: !viaAsk && !inText && 2 * a.near > a.base + a.chars });
    });
    hits.sort(function (x, y) { return y.score - x.score || x.order - y.order; });
    return hits;
  }

  // ---- snippet.rs -----------------------------------------------------------
  var WIDTH = 80;
  function matches(text, terms) {
    var want = new Set(terms.filter(function (t) { return !t.chars; }).map(function (t) { return t.text; }));
    var ranges = tokenize(prepare(text)).filter(function (t) { return want.has(t.text); })
      .map(function (t) { return [t.from, t.to]; });
    ranges.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }
  function snippet(text, terms, at) {
    var chars = Array.from(text), ranges = matches(text, terms);
    var start = 0, best = 0;
    if (at == null) ranges.forEach(function (r) {
      var from = Math.max(0, r[0] - 10), covered = 0;
      ranges.forEach(function (q) { if (q[0] >= from && q[1] <= from + WIDTH) covered += q[1] - q[0]; });
      if (covered > best) { best = covered; start = from; }
    });
    else start = Math.min(at, chars.length);
    var end = Math.min(start + WIDTH, chars.length);
    start = Math.min(Math.max(0, end - WIDTH), start);
    var lead = start > 0 ? 1 : 0;
    var out = (start > 0 ? '…' : '') + chars.slice(start, end).join('') + (end < chars.length ? '…' : '');
    var marks = ranges.filter(function (r) { return r[0] >= start && r[1] <= end; })
      .map(function (r) { return [r[0] - start + lead, r[1] - start + lead]; });
    return { text: out, marks: marks };
  }
  function bestAsk(asks, terms) {
    var chars = new Set(terms.filter(function (t) { return t.chars; }).map(function (t) { return t.text; }));
    var best = null, most = 0;
    asks.forEach(function (a) {
      var words = 0, seen = new Set(), single = 0;
      matches(a, terms).forEach(function (r) { words += r[1] - r[0]; });
      Array.from(prepare(a)).forEach(function (c) { if (chars.has(c) && !seen.has(c)) { seen.add(c); single++; } });
      var covered = words === 0 ? 0 : 2 * words + single;
      if (covered > most) { most = covered; best = a; }
    });
    return best;
  }

  // The near word that says why a result was found for meaning, with the
  // offset of the sentence it came from: the first the query shares a word with.
  function bestNear(near, terms) {
    for (var i = 0; i + 1 < near.length; i += 2) {
      if (matches(near[i], terms).length) return { word: near[i], at: near[i + 1] };
    }
    return null;
  }

  // ---- the query ------------------------------------------------------------
  // Everything one query needs, in order: meta, one shard per term that may be
  // indexed, then the docs of the shown results. Resolves to {terms, hits, results}.
  function search(query, limit) {
    return Promise.resolve().then(function () {
      if (!meta) throw new Error('搜索数据不完整');
      var terms = expand(query);
      // A term of the query: its shard, unless no section has it; a synonym's term: its group's file.
      var need = {};
      terms.forEach(function (t) { var f = fileOf(t); if (f) need[f] = true; });
      var t0 = performance.now();
      return Promise.all(Object.keys(need).map(function (f) { return load(f + '.js'); }))
        .then(function () {
          api.lastPhases = { lists: performance.now() - t0 };
          var hits = combine(terms), top = hits.slice(0, limit);
          // The docs of the shown results, and the near words of those found for meaning.
          var chunks = {};
          top.forEach(function (h) {
            chunks['d/' + Math.floor(h.order / meta.chunk)] = true;
            if (h.viaNear) chunks['n/' + Math.floor(h.order / meta.near_chunk)] = true;
          });
          var t1 = performance.now();
          return Promise.all(Object.keys(chunks).map(function (c) { return load(c + '.js'); }))
            .then(function () {
              api.lastPhases.docs = performance.now() - t1;
              api.lastPhases.files = Object.keys(need).length + Object.keys(chunks).length;
              // What this query needed, as paths under search/ (the tests count their bytes).
              api.lastFiles = Object.keys(need).concat(Object.keys(chunks)).map(function (f) { return f + '.js'; });
              var results = top.map(function (h) {
                var d = docs[Math.floor(h.order / meta.chunk)][h.order % meta.chunk];
                var nearRow = h.viaNear ? nears[Math.floor(h.order / meta.near_chunk)][h.order % meta.near_chunk] : null;
                var near = nearRow ? bestNear(nearRow, terms) : null;
                return { order: h.order, score: h.score, url: d[0], breadcrumb: d[1], title: d[2],
                  snippet: snippet(d[3], terms, near ? near.at : null),
                  ask: h.viaAsk ? bestAsk(d[4] || [], terms) : null, near: near ? near.word : null };
              });
              return { terms: terms, hits: hits.length, results: results };
            });
        });
    });
  }
  api.search = search;
  // Loads a query's lists without ranking: called as the user types, so the
  // files are there when the debounced query runs (as Pagefind's preload()).
  function preload(query) {
    if (!meta || !query) return;
    expand(query).forEach(function (t) {
      var f = fileOf(t);
      if (f) load(f + '.js').catch(function () {});
    });
  }
  api.preload = preload;
  api.expand = function (q) { return expand(q); };

  // ---- the UI ---------------------------------------------------------------
  var input = document.getElementById('search-input');
  var results = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  if (!input || !results) return;
  var root = window.HandbookSearchRoot || '';
  var active = -1, seq = 0, timer = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function marked(snip) {
    var frag = document.createDocumentFragment(), chars = Array.from(snip.text), at = 0;
    snip.marks.forEach(function (m) {
      frag.appendChild(document.createTextNode(chars.slice(at, m[0]).join('')));
      frag.appendChild(el('mark', null, chars.slice(m[0], m[1]).join('')));
      at = m[1];
    });
    frag.appendChild(document.createTextNode(chars.slice(at).join('')));
    return frag;
  }
  function href(url, terms) {
    var hash = url.indexOf('#'), page = hash < 0 ? url : url.slice(0, hash);
    var words = terms.map(function (t) { return t.text; }).join(' ');
    return root + page + '?highlight=' + encodeURIComponent(words) + (hash < 0 ? '' : url.slice(hash));
  }
  function setActive(i) {
    var items = results.querySelectorAll('[role="option"]');
    if (!items.length) { active = -1; input.removeAttribute('aria-activedescendant'); return; }
    active = (i + items.length) % items.length;
    items.forEach(function (it, k) { it.setAttribute('aria-selected', String(k === active)); });
    input.setAttribute('aria-activedescendant', items[active].id);
    items[active].scrollIntoView({ block: 'nearest' });
  }
  // What was searched, for the progress page's 搜索记录 (learn.js keeps it on
  // this browser): a query once its results are left, with the result opened
  // (its section and rank) or none. Queries passed on the way to the last
  // one, while typing, are not kept. Leaving the box on the way to a result
  // reports the query unopened first; learn.js keeps the opening over that.
  // A query that came with the page's address (a handout's link, book.js) is
  // its author's words, not the reader's: kept only if a result is opened.
  var shown = null, params = new URLSearchParams(location.search);
  var linked = (params.get('q') || params.get('search') || '').trim();
  function keep(id, rank) {
    var learn = window.HandbookLearn;
    if (shown && (id || shown !== linked) && learn && learn.searched) learn.searched(shown, id, rank);
    if (id) shown = null;
  }
  // A result's section: the address's fragment, or its page for a chapter.
  function sectionOf(url) {
    var hash = url.indexOf('#');
    if (hash >= 0) return decodeURIComponent(url.slice(hash + 1));
    return url.replace(/\.html$/, '');
  }
  function open(li) {
    var items = Array.prototype.slice.call(results.querySelectorAll('[role="option"]'));
    keep(li.getAttribute('data-section'), items.indexOf(li) + 1);
    location.href = li.getAttribute('data-href');
  }
  // main.rs PINYIN_TIP: letters alone that found nothing are most likely pinyin typed part way.
  var PINYIN_TIP = '按拼音搜索时，请输入标题的完整拼音或每个字的首字母。';
  function pinyinLike(query) { return /^[a-z ]*[a-z][a-z ]*$/.test(Array.from(query).map(normalizeChar).join('')); }
  function render(query, r) {
    shown = query;
    results.textContent = '';
    active = -1;
    input.removeAttribute('aria-activedescendant');
    if (!r.results.length) {
      status.textContent = '没有找到与“' + query + '”相关的内容。' + (pinyinLike(query) ? PINYIN_TIP : '');
      input.setAttribute('aria-expanded', 'false');
      return;
    }
    status.textContent = '找到 ' + r.hits + ' 处相关内容' + (r.hits > r.results.length ? '，显示前 ' + r.results.length + ' 处' : '') + '。' +
      (api.clipped(query) ? '查询较长，只按前 ' + meta.max_query_chars + ' 个字搜索。' : '');
    r.results.forEach(function (res, i) {
      var li = el('li', 'search-result');
      li.id = 'search-result-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      // An option holds no link (a link inside an option is a control inside a
      // control for assistive technology): it carries its address and opens it.
      li.setAttribute('data-href', href(res.url, r.terms));
      li.appendChild(el('span', 'search-result-title', res.title));
      li.appendChild(el('span', 'search-result-breadcrumb', res.breadcrumb));
      // Why it was found: the question an author said this section answers
      // (search data, labelled as such, never shown as the handbook's text).
      if (res.ask) li.appendChild(el('span', 'search-result-ask', '匹配问题：' + res.ask));
      // Found for meaning: the word near the section's own that the query
      // shares (search data too); the snippet is the sentence it came from.
      if (res.near) li.appendChild(el('span', 'search-result-ask', '意思相近：' + res.near));
      var p = el('span', 'search-result-snippet');
      p.appendChild(marked(res.snippet));
      li.appendChild(p);
      li.setAttribute('data-section', sectionOf(res.url));
      li.addEventListener('click', function () { open(li); });
      results.appendChild(li);
    });
    input.setAttribute('aria-expanded', 'true');
  }
  function run() {
    var query = input.value.trim(), mine = ++seq;
    if (!query) { results.textContent = ''; status.textContent = ''; input.setAttribute('aria-expanded', 'false'); return; }
    var t0 = performance.now();
    search(query, 10).then(function (r) {
      if (mine !== seq) return;
      render(query, r);
      api.lastQueryMs = performance.now() - t0;
      document.documentElement.setAttribute('data-search-done', String(mine));
    }, function (e) {
      if (mine !== seq) return;
      status.textContent = '搜索数据加载失败：' + e.message;
      document.documentElement.setAttribute('data-search-error', e.message);
    });
  }
  input.addEventListener('input', function (e) {
    clearTimeout(timer);
    // Not while an input method is composing: its text is pinyin, not the query.
    if (!e.isComposing) preload(input.value.trim());
    timer = setTimeout(run, 80);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive(active + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive(active - 1); }
    else if (e.key === 'Enter') {
      var items = results.querySelectorAll('[role="option"]');
      var o = items[active < 0 ? 0 : active];
      if (o) { e.preventDefault(); open(o); }
    }
  });
  input.addEventListener('blur', function () { keep('', 0); });
  window.addEventListener('pagehide', function () { keep('', 0); });
  // The build appends `HandbookSearch.meta(…)` after this code; run once it has.
  setTimeout(function () { if (input.value.trim()) run(); }, 0);
})();
