"""Offline stand-in for nbdev's Quarto step (nbdev 2.4.14): README.md and an HTML docs site from nbs/.

    python tools/nbdocs.py readme   # README.md (+ README_files/) from nbs/<readme_nb>
    python tools/nbdocs.py docs     # the site: _docs/ via sphinx + myst-nb, MathJax served from node_modules/
    python tools/nbdocs.py sidebar  # nbs/sidebar.yml: the same book order for Quarto's `nbdev_docs`
    python tools/nbdocs.py html     # fallback without Sphinx: _docs_plain/*.html via nbconvert only

Every target first runs nbdev's own processing (nbdev.serve.proc_nbs -> _proc/: hides `#| hide`/export
cells, inserts and executes show_doc, adds links, writes YAML front matter) and then turns the Quarto-only
bits into plain Jupyter (tools/nbdocs.py:plain) in _docs_src/. No notebook is re-executed: outputs saved in
nbs/ are what the docs show (as with `quarto render --no-execute`).
"""
import json, os, re, shutil, subprocess, sys, time
from pathlib import Path
import yaml
from nbdev.config import get_config

cfg = get_config()
root = cfg.config_path
proc_dir, src_dir = root/'_proc', root/'_docs_src'
site_url = '/'.join(p for p in (cfg.doc_host.rstrip('/'), cfg.doc_baseurl.strip('/')) if p) + '/'   # add_links target

_dir_re = re.compile(r'^\s*#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')
_attr_link = re.compile(r'\[([^\]]+)\]\(([^)\s]+)\)\{([^}]*)\}')   # pandoc [text](url){attrs}
_fence = re.compile(r'^\s*:::.*$')

def _src(c): return ''.join(c['source']) if isinstance(c['source'], list) else c['source']

def _split_directives(src):
    "Leading `#| key: value` lines (Quarto cell options) -> dict, rest of the code"
    lines, opts = src.splitlines(True), {}
    while lines and _dir_re.match(lines[0]):
        k, v = _dir_re.match(lines[0]).groups(); opts[k] = v.strip('"\''); lines.pop(0)
    return opts, ''.join(lines)

def _attr2html(md):
    "`[source](url){target=\"_blank\" style=\"...\"}` -> <a href=url target=... style=...>source</a>"
    return _attr_link.sub(lambda m: f'<a href="{m[2]}" {m[3]}>{m[1]}</a>', md)

def _local_links(md): return md.replace(site_url, '')

def _esc_heads(md):
    "show_doc headings such as `### LabelSmoother.__call__`: keep `__` from turning into bold"
    return re.sub(r'^(#+ .*)$', lambda m: m[1].replace('_', r'\_'), md, flags=re.MULTILINE)

def _front(c):
    "Raw front-matter cell -> (dict, markdown title cell)"
    fm = yaml.safe_load(_src(c).strip().strip('-')) or {}
    md = f"# {fm.get('title', '')}\n\n" + (f"> {fm['description']}\n" if fm.get('description') else '')
    return fm, {'cell_type': 'markdown', 'metadata': {}, 'source': md}

def plain(nb, local_links=True):
    "Translate one processed (_proc) notebook to plain Jupyter. Returns (front matter, notebook)."
    cells, fm = [], {}
    for c in nb['cells']:
        c.pop('id', None)
        if c['cell_type'] == 'raw' and _src(c).lstrip().startswith('---'):
            fm, c = _front(c); cells.append(c); continue
        if c['cell_type'] == 'markdown':
            s = _src(c)
            if all(_fence.match(l) for l in s.splitlines() if l.strip()): continue   # drop ::: fenced-div markers
            s = _attr2html(s); c['source'] = _local_links(s) if local_links else s
            cells.append(c); continue
        if c['cell_type'] != 'code': cells.append(c); continue
        opts, code = _split_directives(_src(c)); c['source'] = code
        if opts.get('include') == 'false': continue
        if opts.get('output') == 'false': c['outputs'] = []
        for o in c.get('outputs', []):   # show_doc output: markdown with pandoc attributes and site links
            md = o.get('data', {}).get('text/markdown')
            if md is not None:
                md = _esc_heads(_attr2html(''.join(md))); o['data']['text/markdown'] = _local_links(md) if local_links else md
        if opts.get('echo') == 'false':
            outs = c.get('outputs', [])
            if outs and all('text/markdown' in o.get('data', {}) for o in outs):   # e.g. show_doc -> markdown cell
                cells.append({'cell_type': 'markdown', 'metadata': {},
                              'source': '\n\n'.join(o['data']['text/markdown'] for o in outs)})
                continue
            tags = c['metadata'].setdefault('tags', [])
            tags += [t for t in ('remove_input', 'remove-input') if t not in tags]
        if not code.strip() and not c.get('outputs'): continue
        cells.append(c)
    nb['cells'] = cells
    nb['nbformat'], nb['nbformat_minor'] = 4, 4   # no cell ids needed
    nb['metadata'].setdefault('language_info', {'name': 'python'})   # fenced blocks get ```python
    return fm, nb

BOOK = [('Foundations', range(0, 11)), ('Papers, by year', range(11, 80)), ('Benchmark', range(80, 90)),
        ('Reference', range(90, 100))]   # sidebar sections by notebook number: core chapters and baseline, the papers, ...

def book(stems)->list:
    "[(section, [stems in order])] for notebook stems such as '11_bcnn' (the landing page 'index' is not in a section)"
    num = lambda s: int(s.split('_')[0]) if s.split('_')[0].isdigit() else None
    return [(name, sorted(s for s in stems if num(s) in nums)) for name, nums in BOOK if any(num(s) in nums for s in stems)]

def sidebar():
    "nbs/sidebar.yml for Quarto (custom_sidebar = True in settings.ini): the book order of the Sphinx site"
    stems = [f.stem for f in sorted(cfg.nbs_path.glob('*.ipynb'))]
    sb = {'website': {'sidebar': {'contents': ['index.ipynb'] + [
        {'section': name, 'contents': [f'{s}.ipynb' for s in ss]} for name, ss in book(stems)]}}}
    (cfg.nbs_path/'sidebar.yml').write_text(yaml.safe_dump(sb, sort_keys=False))
    print('wrote', cfg.nbs_path/'sidebar.yml')

def proc():
    from nbdev.serve import proc_nbs
    shutil.rmtree(proc_dir, ignore_errors=True)
    proc_nbs(force=True)

def build_src(local_links=True, only=None):
    "_proc/*.ipynb -> _docs_src/<output-file stem>.ipynb; returns [(stem, title, notebook stem)] in notebook order"
    shutil.rmtree(src_dir, ignore_errors=True); src_dir.mkdir()
    pages = []
    for f in sorted(proc_dir.rglob('*.ipynb')):
        if only and f.name != only: continue
        fm, nb = plain(json.loads(f.read_text()), local_links)
        stem = Path(fm.get('output-file', f.stem + '.html')).stem
        (src_dir/f'{stem}.ipynb').write_text(json.dumps(nb, indent=1))
        pages.append((stem, fm.get('title', stem), f.stem))
    pages.sort(key=lambda p: (p[0] != 'index', p[0]))
    return pages

def run(*cmd): print('+', ' '.join(map(str, cmd))); subprocess.run(list(map(str, cmd)), check=True)

def readme():
    "Only the readme notebook is processed (nbdev_readme processes all of them)"
    from nbdev.processors import FilterDefaults
    from nbdev.serve_drv import main as proc_one
    shutil.rmtree(proc_dir, ignore_errors=True); proc_dir.mkdir()
    proc_one((cfg.nbs_path/cfg.readme_nb, proc_dir/cfg.readme_nb, FilterDefaults))
    build_src(local_links=False, only=cfg.readme_nb)
    stem = Path(cfg.readme_nb).stem
    run(sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'markdown', '--log-level', 'WARN',
        '--TagRemovePreprocessor.remove_input_tags=remove_input', src_dir/f'{stem}.ipynb',
        '--output-dir', root, '--output', 'README')
    print('wrote', root/'README.md')

def html():
    "nbconvert only: one self-contained page per notebook plus a nav line on top of each page"
    proc(); pages = build_src()
    out = root/'_docs_plain'
    shutil.rmtree(out, ignore_errors=True)
    nav = ' | '.join(f'[{t}]({s}.html)' for s, t, _ in pages)
    for s, _, _ in pages:
        f = src_dir/f'{s}.ipynb'; nb = json.loads(f.read_text())
        nb['cells'].insert(0, {'cell_type': 'markdown', 'metadata': {}, 'source': nav})
        f.write_text(json.dumps(nb, indent=1))
    run(sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'html', '--template', 'lab', '--log-level', 'WARN',
        '--HTMLExporter.mathjax_url=', '--HTMLExporter.require_js_url=',
        '--HTMLExporter.exclude_input_prompt=True', '--HTMLExporter.exclude_output_prompt=True',
        '--TagRemovePreprocessor.remove_input_tags=remove_input', *[src_dir/f'{s}.ipynb' for s, _, _ in pages],
        '--output-dir', out)
    print('open', out/'index.html')

MATHJAX = root/'node_modules'/'mathjax'/'es5'   # `npm install mathjax@3` (make docs does it); served locally, no CDN

def docs():
    "The docs site in _docs/: landing page, one page per notebook in book order, sidebar, search, offline math"
    t0 = time.time(); proc(); pages = build_src()
    page_of = {nb: s for s, _, nb in pages} | {s: s for s, _, _ in pages}   # notebook name or page name -> page
    def link(m):   # MyST resolves `/page.ipynb#slug`, not `page.html#slug`; README-style links name the notebook
        return f'](/{page_of[m[1]]}.ipynb{m[2] or ""})' if m[1] in page_of else m[0]
    for f in src_dir.glob('*.ipynb'):
        nb = json.loads(f.read_text())
        for c in nb['cells']:
            if c['cell_type'] == 'markdown': c['source'] = re.sub(r'\]\((?:nbs/)?(\w+)\.(?:html|ipynb)(#[^)]*)?\)', link, _src(c))
        f.write_text(json.dumps(nb, indent=1))
    idx = src_dir/'index.ipynb'; nb = json.loads(idx.read_text())
    for name, nbs in book([n for _, _, n in pages]):
        toc = f'```{{toctree}}\n:caption: {name}\n:maxdepth: 1\n:hidden:\n\n' + '\n'.join(page_of[n] for n in nbs) + '\n```'
        nb['cells'].append({'cell_type': 'markdown', 'metadata': {}, 'source': toc})
    idx.write_text(json.dumps(nb, indent=1))
    mj = Path(os.environ.get('MATHJAX_DIR', MATHJAX))
    if not (mj/'tex-mml-chtml.js').is_file():
        sys.exit(f'MathJax 3 not found in {mj}: run `npm install --no-save mathjax@3` in {root} (make docs does), or set MATHJAX_DIR')
    shutil.copytree(mj, src_dir/'_static'/'mathjax')
    (src_dir/'conf.py').write_text(f'project = {cfg.title!r}\nhtml_title = {cfg.title!r}\nextensions = ["myst_nb"]\n'
        'nb_execution_mode = "off"\nmyst_enable_extensions = ["dollarmath", "amsmath"]\nmyst_heading_anchors = 3\n'
        'html_theme = "sphinx_book_theme"\nhtml_static_path = ["_static"]\nmathjax_path = "mathjax/tex-mml-chtml.js"\n'
        'html_theme_options = {"show_toc_level": 2, "navigation_with_keys": False}\nexclude_patterns = ["_build"]\n'
        'html_last_updated_fmt = None\nhtml_show_search_summary = False  # its page fetches are blocked under file://\nnb_output_folder = "../_docs_build"\nsuppress_warnings = ["mystnb.unknown_mime_type"]\n')
    out = root/cfg.doc_path.name
    shutil.rmtree(out, ignore_errors=True)
    run(sys.executable, '-m', 'sphinx', '-q', '-b', 'html', src_dir, out)
    size = sum(f.stat().st_size for f in out.rglob('*') if f.is_file())
    print(f'built {out} in {time.time() - t0:.0f} s: {len(pages)} pages, {size / 2**20:.1f} MB; open {out/"index.html"}')

if __name__ == '__main__':
    {'readme': readme, 'docs': docs, 'sidebar': sidebar, 'html': html, 'proc': proc}[sys.argv[1]]()
