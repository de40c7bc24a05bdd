"""Offline stand-in for nbdev's Quarto step (nbdev 2.4.14): README.md and an HTML docs site from nbs/.

    python tools/nbdocs.py readme   # README.md (+ README_files/) from nbs/<readme_nb>
    python tools/nbdocs.py html     # _docs/*.html, one page per notebook, via nbconvert only
    python tools/nbdocs.py mkdocs   # _site/ via mkdocs + mkdocs-jupyter
    python tools/nbdocs.py sphinx   # _site_sphinx/ via sphinx + myst-nb (MATHJAX_DIR=... for offline math)

Every target first runs nbdev's own processing (nbdev.serve.proc_nbs -> _proc/: hides `#| hide`/export
cells, inserts and executes show_doc, adds links, writes YAML front matter) and then turns the Quarto-only
bits into plain Jupyter (tools/nbdocs.py:plain) in _docs_src/. No notebook is re-executed: outputs saved in
nbs/ are what the docs show (as with `quarto render --no-execute`).
"""
import json, os, re, shutil, subprocess, sys
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

def proc():
    from nbdev.serve import proc_nbs
    shutil.rmtree(proc_dir, ignore_errors=True)
    proc_nbs(force=True)

def build_src(local_links=True, only=None):
    "_proc/*.ipynb -> _docs_src/<output-file stem>.ipynb; returns [(stem, title)] in notebook order"
    shutil.rmtree(src_dir, ignore_errors=True); src_dir.mkdir()
    pages = []
    for f in sorted(proc_dir.rglob('*.ipynb')):
        if only and f.name != only: continue
        fm, nb = plain(json.loads(f.read_text()), local_links)
        stem = Path(fm.get('output-file', f.stem + '.html')).stem
        (src_dir/f'{stem}.ipynb').write_text(json.dumps(nb, indent=1))
        pages.append((stem, fm.get('title', stem)))
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
    out = root/cfg.doc_path.name
    shutil.rmtree(out, ignore_errors=True)
    nav = ' | '.join(f'[{t}]({s}.html)' for s, t in pages)
    for s, _ in pages:
        f = src_dir/f'{s}.ipynb'; nb = json.loads(f.read_text())
        nb['cells'].insert(0, {'cell_type': 'markdown', 'metadata': {}, 'source': nav})
        f.write_text(json.dumps(nb, indent=1))
    run(sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'html', '--template', 'lab', '--log-level', 'WARN',
        '--HTMLExporter.mathjax_url=', '--HTMLExporter.require_js_url=',
        '--HTMLExporter.exclude_input_prompt=True', '--HTMLExporter.exclude_output_prompt=True',
        '--TagRemovePreprocessor.remove_input_tags=remove_input', *[src_dir/f'{s}.ipynb' for s, _ in pages],
        '--output-dir', out)
    print('open', out/'index.html')

def mkdocs():
    proc(); pages = build_src()
    site = root/'_site'
    conf = {'site_name': cfg.title, 'site_description': cfg.get('description', ''), 'docs_dir': str(src_dir),
            'site_dir': str(site), 'use_directory_urls': False,
            'theme': {'name': 'material', 'font': False, 'features': ['navigation.sections']},
            'nav': [{t: f'{s}.ipynb'} for s, t in pages],
            'plugins': ['search', 'offline', {'mkdocs-jupyter': {'execute': False, 'include_source': False,
                                                      'remove_tag_config': {'remove_input_tags': ['remove_input']}}}]}
    (root/'_mkdocs.yml').write_text(yaml.safe_dump(conf, sort_keys=False))
    run(sys.executable, '-m', 'mkdocs', 'build', '-q', '-f', root/'_mkdocs.yml')
    (root/'_mkdocs.yml').unlink()
    print('open', site/'index.html')

def sphinx():
    proc(); pages = build_src()
    for f in src_dir.glob('*.ipynb'):   # MyST resolves `page.ipynb#slug` links, not `page.html#slug`
        nb = json.loads(f.read_text())
        for c in nb['cells']:
            if c['cell_type'] == 'markdown':
                c['source'] = re.sub(r'\]\((\w+)\.html(#[^)]*)?\)', lambda m: f'](/{m[1]}.ipynb{m[2] or ""})', _src(c))
        f.write_text(json.dumps(nb, indent=1))
    idx = src_dir/'index.ipynb'; nb = json.loads(idx.read_text())
    toc = '```{toctree}\n:maxdepth: 1\n:hidden:\n\n' + '\n'.join(s for s, _ in pages if s != 'index') + '\n```'
    nb['cells'].append({'cell_type': 'markdown', 'metadata': {}, 'source': toc}); idx.write_text(json.dumps(nb, indent=1))
    conf = ''
    mj = os.environ.get('MATHJAX_DIR')   # folder with MathJax 3's tex-mml-chtml.js (npm install mathjax@3 -> node_modules/mathjax/es5)
    if mj:
        shutil.copytree(mj, src_dir/'_static'/'mathjax')
        conf = 'html_static_path = ["_static"]\nmathjax_path = "mathjax/tex-mml-chtml.js"\n'
    (src_dir/'conf.py').write_text(conf + f'project = {cfg.title!r}\nextensions = ["myst_nb"]\nnb_execution_mode = "off"\n'
                                   'myst_enable_extensions = ["dollarmath", "amsmath"]\n'
                                   'html_theme = "sphinx_book_theme"\nexclude_patterns = ["_build"]\nmyst_heading_anchors = 3\n'
                                   'nb_output_folder = "../_site_sphinx_build"\n'
                                   'suppress_warnings = ["mystnb.unknown_mime_type"]\n')
    run(sys.executable, '-m', 'sphinx', '-q', '-b', 'html', src_dir, root/'_site_sphinx')
    print('open', root/'_site_sphinx'/'index.html')

if __name__ == '__main__':
    {'readme': readme, 'html': html, 'mkdocs': mkdocs, 'sphinx': sphinx, 'proc': proc}[sys.argv[1]]()
