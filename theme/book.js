// The handbook's page script: sidebar state, the current chapter in the
// sidebar, and arrow-key navigation. Plain JS, no dependencies, works from file://.
(function () {
  'use strict';
  var html = document.documentElement;
  var toggle = document.getElementById('sidebar-toggle');
  var KEY = 'handbook.sidebar';

  function store(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  function load(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }

  function setSidebar(open, remember) {
    html.classList.toggle('sidebar-hidden', !open);
    if (toggle) toggle.setAttribute('aria-expanded', String(open));
    if (remember) store(KEY, open ? 'open' : 'closed');
  }
  var narrow = window.matchMedia('(max-width: 60rem)').matches;
  setSidebar(narrow ? false : load(KEY) !== 'closed', false);
  if (toggle) toggle.addEventListener('click', function () {
    setSidebar(html.classList.contains('sidebar-hidden'), true);
  });

  // Mark the current chapter in the sidebar.
  var page = location.pathname.split('/').pop() || 'index.html';
  var links = document.querySelectorAll('#sidebar a[href]');
  var first = links.length ? links[0].getAttribute('href') : null;
  for (var i = 0; i < links.length; i++) {
    var href = links[i].getAttribute('href');
    if (href === page || (page === 'index.html' && href === first)) {
      links[i].classList.add('active');
      links[i].setAttribute('aria-current', 'page');
      // In a long chapter list the current chapter may be far down: bring it into the sidebar's view.
      var bar = document.getElementById('sidebar');
      if (bar && (links[i].offsetTop < bar.scrollTop || links[i].offsetTop > bar.scrollTop + bar.clientHeight)) {
        bar.scrollTop = links[i].offsetTop - bar.clientHeight / 3;
      }
    }
  }

  // ---- search: the panel opens here; its code loads when the page is idle, its data per query ----
  var script = document.currentScript;
  var root = (script && script.getAttribute('data-root')) || '';
  var panel = document.getElementById('search-panel');
  var input = document.getElementById('search-input');
  var searchToggle = document.getElementById('search-toggle');
  var searchLoaded = false;

  function openSearch() {
    if (!panel) return;
    panel.hidden = false;
    if (searchToggle) searchToggle.setAttribute('aria-expanded', 'true');
    input.focus();
    input.select();
    loadSearch();
  }
  function loadSearch() {
    if (searchLoaded || !panel) return;
    searchLoaded = true;
    window.HandbookSearchBase = root + 'search/';
    window.HandbookSearchRoot = root;
    var s = document.createElement('script');
    s.src = root + 'search/search.js';
    document.head.appendChild(s);
  }
  // The code is small (the data loads per query): load it once the page is
  // idle, so that the first keystroke in the search box already finds it.
  (window.requestIdleCallback || function (f) { setTimeout(f, 200); })(loadSearch);
  function closeSearch() {
    if (!panel || panel.hidden) return;
    panel.hidden = true;
    if (searchToggle) { searchToggle.setAttribute('aria-expanded', 'false'); searchToggle.focus(); }
  }
  if (searchToggle) searchToggle.addEventListener('click', function () {
    if (panel.hidden) openSearch(); else closeSearch();
  });
  // A link can carry a query (`index.html?q=笔杆子`; mdBook's `?search=` too):
  // the panel opens with it and its results, so a trainer's handout or an
  // intranet's search form can send a reader straight to them.
  var asked = new URLSearchParams(location.search);
  var linked = asked.get('q') || asked.get('search');
  if (linked && panel) {
    input.value = linked;
    openSearch();
    // Once search.js has loaded it runs a query already in the box; if it had, this does.
    input.dispatchEvent(new Event('input'));
  }

  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { closeSearch(); return; }
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName))) return;
    if (e.key === 's' || e.key === 'S' || e.key === '/') { e.preventDefault(); openSearch(); return; }
    if (e.shiftKey) return;
    // Left/right arrows go to the previous/next chapter, as in mdBook.
    var rel = e.key === 'ArrowLeft' ? 'prev' : e.key === 'ArrowRight' ? 'next' : null;
    var a = rel && document.querySelector('.chapter-nav a[rel="' + rel + '"]');
    if (a) { e.preventDefault(); location.href = a.href; }
  });

  // ---- quizzes: the widget loads on pages that have one (not on the print page) ----
  if (document.querySelector('section.quiz') && !document.body.classList.contains('print-page')) {
    var qs = document.createElement('script');
    qs.src = root + 'quiz/quiz.js';
    document.head.appendChild(qs);
  }

  // ---- arriving from a search result: mark its words in the target section ----
  var words = new URLSearchParams(location.search).get('highlight');
  if (words) markSection(words.split(/\s+/).filter(Boolean));

  function sectionNodes(target) {
    // A heading's section runs to the next heading of the same or a higher level;
    // a point's anchor marks its paragraph.
    if (!target) return [document.querySelector('.page')].filter(Boolean);
    if (!/^H[1-6]$/.test(target.tagName)) return [target.closest('p, li, blockquote') || target.parentNode];
    var level = Number(target.tagName[1]), nodes = [target], n = target.nextElementSibling;
    while (n && !(/^H[1-6]$/.test(n.tagName) && Number(n.tagName[1]) <= level)) { nodes.push(n); n = n.nextElementSibling; }
    return nodes;
  }
  function markSection(terms) {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var first = null;
    sectionNodes(target).forEach(function (node) {
      var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      var texts = [];
      while (walker.nextNode()) texts.push(walker.currentNode);
      texts.forEach(function (tn) {
        var text = tn.nodeValue, lower = text.toLowerCase(), hit = new Array(text.length).fill(false);
        terms.forEach(function (w) {
          for (var i = lower.indexOf(w); i >= 0; i = lower.indexOf(w, i + 1)) {
            for (var k = i; k < i + w.length; k++) hit[k] = true;
          }
        });
        if (hit.indexOf(true) < 0) return;
        var frag = document.createDocumentFragment(), i = 0;
        while (i < text.length) {
          var j = i;
          while (j < text.length && hit[j] === hit[i]) j++;
          if (hit[i]) {
            var m = document.createElement('mark');
            m.className = 'search-hit';
            m.textContent = text.slice(i, j);
            frag.appendChild(m);
            if (!first) first = m;
          } else {
            frag.appendChild(document.createTextNode(text.slice(i, j)));
          }
          i = j;
        }
        tn.parentNode.replaceChild(frag, tn);
      });
    });
    if (first && !target) first.scrollIntoView({ block: 'center' });
  }
})();
