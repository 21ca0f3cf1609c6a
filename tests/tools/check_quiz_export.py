#!/usr/bin/env python3
"""Checks handbook's LMS exports with independent parsers, question by question.

usage: check_quiz_export.py BANK.json EXPORT.gift EXPORT.xml

BANK.json is the question bank as handbook serializes it. The GIFT file is
parsed by pygiftparser (PyPI), the XML by Python's own parser; for every
question of the bank, the parsed type and right answers must equal the bank's.
pygiftparser takes some malformed blocks as a "description", so counting
questions is not enough. Prints one line per problem; exits 1 on any.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

from pygiftparser import parser as gift

problems = []


def unescape(s):
    return re.sub(r'\\(.)', r'\1', s or '').strip()


def check_gift(bank, path):
    with open(path, encoding='utf-8') as f:
        parsed = {unescape(q.title): q for q in gift.parseFile(f)}
    want_class = {'single': 'SelectSet', 'multiple': 'MultipleChoicesSet', 'truefalse': 'TrueFalseSet',
                  'fill': 'ShortSet', 'matching': 'MatchingSet'}
    for item in bank:
        q = parsed.get(item['id'])
        if q is None:
            problems.append('gift: missing question ' + item['id'])
            continue
        cls = type(q.answers).__name__
        if cls != want_class[item['kind']] or not q.valid:
            problems.append('gift: %s parsed as %s (valid=%s), want %s' % (item['id'], cls, q.valid, want_class[item['kind']]))
            continue
        if unescape(q.text) != item['prompt']:
            problems.append('gift: %s prompt %r != %r' % (item['id'], unescape(q.text), item['prompt']))
        kind = item['kind']
        if kind == 'truefalse':
            got, want = q.answers.answer, item['correct']
        elif kind in ('single', 'multiple'):
            got = sorted(unescape(a.answer) for a in q.answers.answers if a.fraction > 0)
            want = sorted(item['options'][i] for i in item['right'])
            if sorted(unescape(a.answer) for a in q.answers.answers) != sorted(item['options']):
                problems.append('gift: %s options differ' % item['id'])
        elif kind == 'fill':
            got = [unescape(a.answer) for a in q.answers.answers]
            want = item['accept']
        else:
            got = sorted((unescape(a.question), unescape(a.answer)) for a in q.answers.answers)
            want = sorted(tuple(p) for p in item['pairs'])
        if got != want:
            problems.append('gift: %s right answers %r != %r' % (item['id'], got, want))
    extra = set(parsed) - {i['id'] for i in bank}
    if extra:
        problems.append('gift: questions not in the bank: %s' % sorted(extra))


def check_xml(bank, path):
    root = ET.parse(path).getroot()
    if root.tag != 'quiz':
        problems.append('xml: root is %s, not quiz' % root.tag)
    parsed = {}
    for q in root.findall('question'):
        if q.get('type') == 'category':
            continue
        parsed[q.findtext('name/text')] = q
    want_type = {'single': 'multichoice', 'multiple': 'multichoice', 'truefalse': 'truefalse',
                 'fill': 'shortanswer', 'matching': 'matching'}
    for item in bank:
        q = parsed.get(item['id'])
        if q is None:
            problems.append('xml: missing question ' + item['id'])
            continue
        if q.get('type') != want_type[item['kind']]:
            problems.append('xml: %s has type %s' % (item['id'], q.get('type')))
            continue
        if q.findtext('questiontext/text') != item['prompt']:
            problems.append('xml: %s prompt differs' % item['id'])
        answers = [(a.findtext('text'), float(a.get('fraction'))) for a in q.findall('answer')]
        kind = item['kind']
        if kind in ('single', 'multiple'):
            if (q.findtext('single') == 'true') != (kind == 'single'):
                problems.append('xml: %s single flag wrong' % item['id'])
            got = sorted(t for t, f in answers if f > 0)
            want = sorted(item['options'][i] for i in item['right'])
        elif kind == 'truefalse':
            got = [t == 'true' for t, f in answers if f == 100]
            want = [item['correct']]
        elif kind == 'fill':
            got = [t for t, f in answers if f == 100]
            want = item['accept']
        else:
            got = sorted((s.findtext('text'), s.findtext('answer/text')) for s in q.findall('subquestion'))
            want = sorted(tuple(p) for p in item['pairs'])
        if got != want:
            problems.append('xml: %s right answers %r != %r' % (item['id'], got, want))


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        bank = json.load(f)
    check_gift(bank, sys.argv[2])
    check_xml(bank, sys.argv[3])
    for p in problems:
        print(p)
    print('checked %d questions: %d problems' % (len(bank), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
