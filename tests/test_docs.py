"""The docs site: built offline from nbs/ by `tools/nbdocs.py docs` into _docs/, then opened in headless Chromium from
file:// with every network host unreachable. Pages load without console errors, formulas are typeset by the local
MathJax, notebook figures are displayed, search finds a method's page, and every internal link resolves.
A screenshot of the B-CNN page is kept in tests/artifacts/ (ignored by git) for a person to look at."""
import os, re, shutil, subprocess, sys, tempfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT/'_docs'
ARTIFACTS = ROOT/'tests'/'artifacts'
PAPER_PAGE = 'bcnn.html'   # nbdev names a page after its module (11_bcnn.ipynb -> methods.bcnn -> bcnn.html)


def _chromium():
    exe = shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
    if exe: return exe
    if os.environ.get('CI'): pytest.fail('chromium is not installed: .ci/run installs it with apt (apt-get install chromium)')
    pytest.skip('chromium is not installed (apt-get install chromium); CI installs it')


@pytest.fixture(scope='module')
def site():
    "Build the site once for this module"
    chromium = _chromium()
    r = subprocess.run([sys.executable, 'tools/nbdocs.py', 'docs'], cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert (SITE/'index.html').is_file() and (SITE/PAPER_PAGE).is_file()
    return chromium


def browse(chromium, page:str, *args, budget_ms:int=15000)->tuple:
    "(DOM after scripts ran, console messages) of a page of the site, offline"
    with tempfile.TemporaryDirectory() as profile:
        cmd = [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--no-first-run', f'--user-data-dir={profile}',
               '--host-resolver-rules=MAP * ~NOTFOUND', '--enable-logging=stderr', '--v=0',
               f'--virtual-time-budget={budget_ms}', *args, f'file://{SITE}/{page}']
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    console = [l for l in r.stderr.splitlines() if 'CONSOLE' in l]
    return r.stdout, console


BENIGN = ('"[PST]:', '"Got invalid theme mode')   # the theme's informational logs (pydata-sphinx-theme)

def console_errors(console:list)->list:
    "Every console message but the theme's informational ones (headless Chromium logs all levels alike)"
    return [l for l in console if not any(b in l for b in BENIGN)]


@pytest.mark.parametrize('page', ['index.html', PAPER_PAGE])
def test_pages_load_without_console_errors(site, page):
    dom, console = browse(site, page, '--dump-dom')
    assert '<nav' in dom and 'bd-sidebar' in dom, 'no sidebar'
    assert not console_errors(console), console_errors(console)


def test_paper_page_math_figures_and_chinese(site):
    dom, console = browse(site, PAPER_PAGE, '--dump-dom')
    assert dom.count('<mjx-container') >= 5, 'formulas were not typeset by MathJax'
    assert '<mjx-merror' not in dom, 'MathJax reported a TeX error'
    imgs = re.findall(r'<img[^>]+src="([^"]+)"', dom)
    figures = [s for s in imgs if s.endswith(('.png', '.jpg', '.jpeg', '.svg')) and not s.startswith('http')]
    assert len(figures) >= 5 and all((SITE/s).is_file() for s in figures), figures
    assert '中文导读' in dom and '双线性卷积网络' in dom, 'the Chinese summary is missing or mis-encoded'
    assert re.search(r'<meta charset="utf-8"', dom, re.I)
    assert 'bilinear_pool' in dom and 'signed_sqrt' in dom, 'the API reference (show_doc) is missing'


@pytest.mark.parametrize('query', ['bcnn', 'bilinear'])
def test_search_finds_a_method(site, query):
    "Sphinx's client-side search, from file://: the method's page is the first hit for its slug and for its idea"
    dom, console = browse(site, f'search.html?q={query}', '--dump-dom')
    results = re.findall(r'<ul[^>]*class="search"[^>]*>(.*?)</ul>', dom, re.S)
    hits = re.findall(r'<a href="([^"#]+)', results[0]) if results else []
    assert hits and hits[0] == PAPER_PAGE, f'searching {query!r} gave {hits}'
    assert not console_errors(console), console_errors(console)


def test_every_internal_link_resolves(site):
    sys.path.insert(0, str(ROOT/'tools'))
    from linkcheck import broken_links
    assert not broken_links(SITE), broken_links(SITE)[:20]
    nav = re.search(r'<nav class="bd-links bd-docs-nav".*?</nav>', (SITE/'index.html').read_text(), re.S)[0]
    order = re.findall(r'href="(\w+)\.html"', nav)
    pages = {f.stem for f in SITE.glob('*.html')} - {'index', 'search', 'genindex'}
    assert set(order) == pages, f'sidebar {order} vs pages {sorted(pages)}'
    assert order.index('core') < order.index('baseline') < order.index('bcnn') < order.index('cli'), order
    captions = re.findall(r'class="caption-text">([^<]+)', nav)
    assert captions[:2] == ['Foundations', 'Papers, by year'], captions


def test_screenshot_of_a_paper_page(site):
    from PIL import Image
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS/'bcnn.png'; shot.unlink(missing_ok=True)
    browse(site, PAPER_PAGE, f'--screenshot={shot}', '--window-size=1280,1800', '--hide-scrollbars')
    im = Image.open(shot).convert('L')
    assert im.size == (1280, 1800) and len(im.getcolors(maxcolors=256)) > 20, 'the screenshot is blank'
