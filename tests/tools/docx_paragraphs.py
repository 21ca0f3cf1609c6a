#!/usr/bin/env python3
"""Reads a .docx with python-docx (PyPI) and prints what the tests check, as JSON.

usage: docx_paragraphs.py FILE.docx

{"paragraphs": [{"style", "builtin", "outline", "text"}], "toc": bool,
 "footer_page_field": bool, "east_asia": {style: font},
 "font_table": [{"name", "alt", "charset"}]} — `outline` is the
outline level the paragraph's style sets (None without); `east_asia` has the
document defaults as "(defaults)"; `builtin` whether
python-docx knows the style as one of Word's built-in ones.
"""
import json
import sys

import docx
from docx.oxml.ns import qn

d = docx.Document(sys.argv[1])


def outline(style):
    while style is not None:
        ppr = style.element.pPr
        if ppr is not None:
            lvl = ppr.find(qn('w:outlineLvl'))
            if lvl is not None:
                return int(lvl.get(qn('w:val')))
        style = style.base_style
    return None


paragraphs = [
    {
        'style': p.style.name if p.style is not None else None,
        'builtin': bool(p.style is not None and p.style.builtin),
        'outline': outline(p.style),
        'text': p.text,
    }
    for p in d.paragraphs
]
body = d.element.body.xml
footer = ''.join(s.footer._element.xml for s in d.sections)
east_asia = {}
# The body's fonts stand in the document defaults (w:docDefaults).
defaults = d.styles.element.find(qn('w:docDefaults'))
rfonts = defaults.find('.//' + qn('w:rFonts')) if defaults is not None else None
if rfonts is not None and rfonts.get(qn('w:eastAsia')):
    east_asia['(defaults)'] = rfonts.get(qn('w:eastAsia'))
for s in d.styles:
    rpr = s.element.rPr
    fonts = rpr.find(qn('w:rFonts')) if rpr is not None else None
    if fonts is not None and fonts.get(qn('w:eastAsia')):
        east_asia[s.name] = fonts.get(qn('w:eastAsia'))
font_table = []
for rel in d.part.rels.values():
    if rel.reltype.endswith('/fontTable'):
        from lxml import etree
        for f in etree.fromstring(rel.target_part.blob).findall(qn('w:font')):
            alt = f.find(qn('w:altName'))
            charset = f.find(qn('w:charset'))
            font_table.append({
                'name': f.get(qn('w:name')),
                'alt': alt.get(qn('w:val')) if alt is not None else None,
                'charset': charset.get(qn('w:val')) if charset is not None else None,
            })
print(json.dumps({
    'paragraphs': paragraphs,
    'toc': 'TOC \\' in body or ' TOC ' in body,
    'footer_page_field': 'PAGE' in footer,
    'east_asia': east_asia,
    'font_table': font_table,
}, ensure_ascii=False))
