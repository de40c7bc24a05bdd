"""Check every internal link and anchor of a built HTML site: `python tools/linkcheck.py _docs`.
Links to other sites (http:, https:, mailto:) are not followed, nor are the theme's templates in _static/; every relative href and src must name an existing
file, and every #fragment an element id (or name) in the target page. Exit 1 and list what is broken."""
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

class _Page(HTMLParser):
    def __init__(self):
        super().__init__(); self.ids, self.links = set(), []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ('id', 'name'):
            if a.get(k): self.ids.add(a[k])
        for k in ('href', 'src'):
            if a.get(k) and not (tag == 'link' and 'preconnect' in (a.get('rel') or '')): self.links.append((tag, a[k]))

def parse(path:Path)->_Page:
    p = _Page(); p.feed(path.read_text(encoding='utf-8', errors='replace')); return p

def broken_links(site)->list:
    "[(page, link, why)] for every internal link of the site that does not resolve"
    site = Path(site).resolve(); pages, bad = {}, []
    def page(f): return pages.setdefault(f, parse(f))
    for f in sorted(site.rglob('*.html')):
        if '_static' in f.relative_to(site).parts: continue   # theme templates, not pages
        for tag, link in page(f).links:
            u = urlsplit(link)
            if u.scheme or link.startswith('//') or link.startswith('javascript:'): continue   # external: not followed
            target = (f.parent/unquote(u.path)).resolve() if u.path else f
            if target.is_dir(): target = target/'index.html'
            if not target.is_file(): bad.append((f.relative_to(site), link, 'no such file')); continue
            if u.fragment and target.suffix == '.html' and unquote(u.fragment) not in page(target).ids:
                bad.append((f.relative_to(site), link, 'no such anchor'))
    return bad

if __name__ == '__main__':
    site = Path(sys.argv[1] if len(sys.argv) > 1 else '_docs')
    if not (site/'index.html').is_file(): sys.exit(f'{site}/index.html not found: build the site first (make docs)')
    bad = broken_links(site)
    for page_, link, why in bad: print(f'{page_}: {link} ({why})')
    pages = [f for f in site.rglob('*.html') if '_static' not in f.relative_to(site).parts]
    print(f'{len(bad)} broken of {sum(len(parse(f).links) for f in pages)} links in {len(pages)} pages'); sys.exit(1 if bad else 0)
