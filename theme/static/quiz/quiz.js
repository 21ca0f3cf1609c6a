// The handbook's self-check quizzes. Loaded by book.js on pages that have a
// quiz; builds the interactive quiz from the JSON the page carries, replacing
// the static list (which is what prints). Plain JS: real form controls,
// feedback announced to screen readers, progress in localStorage (which works
// from file:// too), kept under the handbook's identity (sidebar.js). Every
// answer also goes to the review schedule (static/learn/learn.js), and the
// review page asks its questions with this same widget
// (`HandbookQuiz.question`).
(function () {
  'use strict';
  var site = window.HandbookSite || {};
  var titleEl = document.querySelector('.book-title');
  // Answers are kept under the handbook's identity; earlier builds kept them
  // under the book's title, which is still read.
  var OLD = 'handbook.quiz:' + (titleEl ? titleEl.textContent.trim() : '') + ':';
  var PREFIX = site.id ? 'handbook.quiz:' + site.id + ':' : OLD;
  var learn = window.HandbookLearn;

  // A question's answer, unless the question changed since (its hash differs).
  function load(q) {
    try {
      var v = localStorage.getItem(PREFIX + q.id);
      if (v == null && PREFIX !== OLD) v = localStorage.getItem(OLD + q.id);
      var s = JSON.parse(v);
      return s && (!s.h || s.h === q.hash) ? s : null;
    } catch (e) { return null; }
  }
  function save(id, v) {
    try { localStorage.setItem(PREFIX + id, JSON.stringify(v)); } catch (e) { if (learn) learn.storageFailed(); }
  }
  function forget(id) {
    try { localStorage.removeItem(PREFIX + id); localStorage.removeItem(OLD + id); } catch (e) { /* storage off */ }
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function shuffled(n) {
    var a = [];
    for (var i = 0; i < n; i++) a.push(i);
    for (var j = n - 1; j > 0; j--) {
      var k = Math.floor(Math.random() * (j + 1)), t = a[j];
      a[j] = a[k];
      a[k] = t;
    }
    return a;
  }
  // Answers to fill-in questions compare without spaces, full-width forms,
  // quotes or closing punctuation.
  function norm(s) {
    return Array.from(s).map(function (c) {
      var cp = c.codePointAt(0);
      return cp >= 0xFF01 && cp <= 0xFF5E ? String.fromCodePoint(cp - 0xFEE0) : c;
    }).join('').toLowerCase().replace(/[\s“”‘’"'「」。，、；：！？.,;:!?]/g, '');
  }

  var root = (function () {
    var s = document.querySelector('script[data-root]');
    return s ? s.getAttribute('data-root') : '';
  })();

  window.HandbookQuiz = { question: question, prefix: PREFIX, save: save };
  if (!document.body.classList.contains('print-page')) document.querySelectorAll('section.quiz').forEach(setup);

  function setup(section) {
    var data = JSON.parse(section.querySelector('script.quiz-data').textContent);
    var staticList = section.querySelector('.quiz-static');
    if (staticList) staticList.hidden = true;
    var score = el('p', 'quiz-score');
    score.setAttribute('role', 'status');
    var list = el('ol', 'quiz-questions');
    var actions = el('div', 'quiz-actions');
    var retry = el('button', 'quiz-retry', '只重做答错的题');
    var all = el('button', 'quiz-all', '显示全部题目');
    var reset = el('button', 'quiz-reset', '清除进度');
    [retry, all, reset].forEach(function (b) { b.type = 'button'; actions.appendChild(b); });
    all.hidden = true;
    section.appendChild(score);
    section.appendChild(list);
    section.appendChild(actions);

    var items = data.questions.map(function (q, i) { return question(q, i, data.id, update); });
    items.forEach(function (it) { list.appendChild(it.li); });

    function update() {
      var answered = 0, right = 0, wrong = 0;
      data.questions.forEach(function (q) {
        var s = load(q);
        if (s) { answered++; if (s.correct) right++; else wrong++; }
      });
      score.textContent = '共 ' + data.questions.length + ' 题，已答 ' + answered + ' 题，答对 ' + right + ' 题。';
      retry.disabled = wrong === 0;
      // A chapter's own quiz (not the practice page's drills) counts on the progress page.
      if (learn && answered && data.id.indexOf('quiz-') === 0) learn.score(data.id.slice(5), right, data.questions.length);
    }
    retry.addEventListener('click', function () {
      var first = null;
      items.forEach(function (it) {
        var s = load(it.q);
        var show = !!(s && !s.correct);
        it.li.hidden = !show;
        if (show) { it.rebuild(); if (!first) first = it; }
      });
      all.hidden = false;
      if (first) first.focus();
    });
    all.addEventListener('click', function () {
      items.forEach(function (it) { it.li.hidden = false; });
      all.hidden = true;
    });
    reset.addEventListener('click', function () {
      items.forEach(function (it) { forget(it.q.id); it.li.hidden = false; it.rebuild(); });
      all.hidden = true;
      update();
    });
    update();
  }

  function question(q, index, quizId, update) {
    var li = el('li', 'quiz-q');
    li.setAttribute('data-qid', q.id);
    var name = quizId + '-' + index;
    var fieldset, feedback, controls;

    function build() {
      li.textContent = '';
      li.classList.remove('quiz-right', 'quiz-wrong');
      fieldset = el('fieldset', 'quiz-fieldset');
      var legend = el('legend', 'quiz-prompt');
      legend.appendChild(el('span', 'quiz-number', (index + 1) + '. '));
      legend.appendChild(document.createTextNode(q.prompt));
      if (q.kind === 'multiple') legend.appendChild(el('span', 'quiz-note', '（多选）'));
      fieldset.appendChild(legend);
      controls = el('div', 'quiz-controls');
      fieldset.appendChild(controls);
      if (q.kind === 'single' || q.kind === 'multiple') {
        shuffled(q.options.length).forEach(function (i) {
          var label = el('label', 'quiz-option');
          var input = el('input');
          input.type = q.kind === 'single' ? 'radio' : 'checkbox';
          input.name = name;
          input.value = String(i);
          label.appendChild(input);
          label.appendChild(document.createTextNode(q.options[i]));
          controls.appendChild(label);
        });
      } else if (q.kind === 'truefalse') {
        [['true', '正确'], ['false', '错误']].forEach(function (o) {
          var label = el('label', 'quiz-option');
          var input = el('input');
          input.type = 'radio';
          input.name = name;
          input.value = o[0];
          label.appendChild(input);
          label.appendChild(document.createTextNode(o[1]));
          controls.appendChild(label);
        });
      } else if (q.kind === 'fill') {
        var label = el('label', 'quiz-fill', '填写答案：');
        var input = el('input');
        input.type = 'text';
        input.name = name;
        input.autocomplete = 'off';
        label.appendChild(input);
        controls.appendChild(label);
      } else if (q.kind === 'matching') {
        var rights = q.pairs.map(function (p) { return p[1]; });
        var order = shuffled(rights.length);
        shuffled(q.pairs.length).forEach(function (i) {
          var label = el('label', 'quiz-match');
          label.appendChild(el('span', 'quiz-match-left', q.pairs[i][0]));
          var select = el('select');
          select.name = name + '-' + i;
          select.setAttribute('data-left', String(i));
          select.appendChild(el('option', null, '请选择…')).value = '';
          order.forEach(function (r) {
            var o = el('option', null, rights[r]);
            o.value = rights[r];
            select.appendChild(o);
          });
          label.appendChild(select);
          controls.appendChild(label);
        });
      }
      li.appendChild(fieldset);
      var submit = el('button', 'quiz-submit', '提交答案');
      submit.type = 'button';
      submit.addEventListener('click', check);
      li.appendChild(submit);
      feedback = el('div', 'quiz-feedback');
      feedback.setAttribute('role', 'status');
      feedback.setAttribute('aria-live', 'polite');
      li.appendChild(feedback);
    }

    function answered() {
      var inputs = controls.querySelectorAll('input, select');
      if (q.kind === 'single' || q.kind === 'truefalse') {
        var c = controls.querySelector('input:checked');
        return c ? c.value : null;
      }
      if (q.kind === 'multiple') {
        var vals = Array.from(controls.querySelectorAll('input:checked')).map(function (x) { return Number(x.value); });
        return vals.length ? vals : null;
      }
      if (q.kind === 'fill') return inputs[0].value.trim() || null;
      var picks = {};
      var any = false;
      Array.from(inputs).forEach(function (s) { picks[s.getAttribute('data-left')] = s.value; if (s.value) any = true; });
      return any ? picks : null;
    }

    function isRight(a) {
      if (q.kind === 'single') return Number(a) === q.right[0];
      if (q.kind === 'truefalse') return (a === 'true') === q.correct;
      if (q.kind === 'multiple') {
        return a.length === q.right.length && a.every(function (v) { return q.right.indexOf(v) >= 0; });
      }
      if (q.kind === 'fill') {
        return q.accept.some(function (x) { return norm(x) === norm(a); });
      }
      return q.pairs.every(function (p, i) { return a[String(i)] === p[1]; });
    }

    function show(correct) {
      feedback.textContent = '';
      li.classList.toggle('quiz-right', correct);
      li.classList.toggle('quiz-wrong', !correct);
      feedback.appendChild(el('p', 'quiz-verdict', correct ? '✓ 回答正确。' : '✗ 回答错误。正确答案：' + q.answer_text));
      if (q.explanation) feedback.appendChild(el('p', 'quiz-explanation', q.explanation));
      if (q.refs && q.refs.length) {
        var p = el('p', 'quiz-refs', '查看原文：');
        q.refs.forEach(function (r, i) {
          if (i) p.appendChild(document.createTextNode('；'));
          var a = el('a', null, r.title);
          a.href = root + r.url;
          p.appendChild(a);
        });
        feedback.appendChild(p);
      }
    }

    function check() {
      var a = answered();
      if (a == null) {
        feedback.textContent = '请先作答。';
        return;
      }
      var correct = isRight(a);
      save(q.id, { correct: correct, h: q.hash });
      if (learn) learn.answered(q, correct);
      show(correct);
      update();
    }

    build();
    var stored = load(q);
    if (stored) show(!!stored.correct);
    return {
      q: q,
      li: li,
      rebuild: build,
      focus: function () { var f = li.querySelector('input, select'); if (f) f.focus(); }
    };
  }
})();
