"""The exported library works without the notebooks: build the wheel with the command README.md documents, install it
into a fresh virtual environment, import it there and run its smallest end-to-end path (generate a small synthetic
dataset, read it, draw a batch); importing the library prints nothing."""
import json, os, re, shlex, shutil, subprocess, sys, sysconfig, textwrap, zipfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert r.returncode == 0, f'{cmd} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}'
    return r.stdout


def documented_wheel_commands()->tuple:
    "The two lines of the index notebook's (README's) wheel instructions: the build command and the install command"
    start = ''.join(next(c['source'] for c in json.loads((ROOT/'nbs'/'index.ipynb').read_text())['cells']
                         if ''.join(c['source']).startswith('## Start here')))
    build = re.search(r'^(python -m build.*)$', start, re.M).group(1)
    install = re.search(r'^(pip install dist/.*)$', start, re.M).group(1)
    return build, install


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    "The documented build command, run as written in a copy of the checkout (its tracked and new files), as from a clone"
    clone = tmp_path_factory.mktemp('clone')/'fgvc_tutorial'
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for f in files:
        if (ROOT/f).is_file(): (clone/f).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(ROOT/f, clone/f)
    build, _ = documented_wheel_commands()
    run(*shlex.split(build.replace('python', sys.executable, 1)), cwd=clone)
    return next((clone/'dist').glob('fgvc_tutorial-*.whl'))


def test_wheel_contents(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for mod in ('core', 'data', 'synth', 'backbones', 'learner', 'viz', 'cli', '_modidx', 'methods/__init__', 'methods/baseline', 'methods/bcnn'):
        assert f'fgvc_tutorial/{mod}.py' in names, mod
    assert not any(n.startswith(('nbs/', 'tests/')) or n.endswith('.ipynb') for n in names)
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith('METADATA'))).decode()
    assert 'Requires-Dist: fastai' in meta and 'Requires-Dist: torch' in meta
    eps = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith('entry_points.txt'))).decode()
    assert 'fgvc = fgvc_tutorial.cli:main' in eps


def test_installed_wheel_runs_end_to_end(wheel, tmp_path):
    """A fresh venv gets the wheel; its dependencies come from the development environment's site-packages, appended
    through a .pth file (copying 5 GB of CUDA PyTorch again would take minutes). The repository is not on the path:
    the import must come from the wheel, and `pip check` must find the wheel's requirements satisfied."""
    venv = tmp_path/'venv'
    run(sys.executable, '-m', 'venv', '--without-pip', venv)         # nothing of its own but the wheel
    py = venv/'bin'/'python'
    pip = lambda *a, **kw: run(sys.executable, '-m', 'pip', '--python', py, *a, **kw)
    site = Path(run(py, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])').strip())
    (site/'zz_dev_deps.pth').write_text(sysconfig.get_paths()['purelib'] + '\n')
    _, install = documented_wheel_commands()                         # `pip install dist/fgvc_tutorial-*.whl`, into the venv
    assert shlex.split(install)[:2] == ['pip', 'install'] and wheel.match(shlex.split(install)[2].split('/')[-1])
    pip('install', '--no-deps', '--no-index', '-q', wheel, cwd=wheel.parent.parent)
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'} | {'FGVC_CACHE': str(tmp_path/'cache')}
    script = textwrap.dedent('''
        import fgvc_tutorial
        from fgvc_tutorial.synth import SynthConfig, synth_dataset
        from fgvc_tutorial.data import fgvc_dls
        root = synth_dataset(SynthConfig(n_classes=4, n_train=4, n_test=2, size=64), n_workers=1)
        dls = fgvc_dls(str(root), size=48, bs=4, num_workers=0)
        x, y = dls.train.one_batch()
        assert tuple(x.shape) == (4, 3, 48, 48) and dls.c == 4
        print(fgvc_tutorial.__file__)
    ''')
    assert run(py, '-c', script, cwd=tmp_path, env=env).strip() == str(site/'fgvc_tutorial'/'__init__.py')
    pip('check', cwd=tmp_path, env=env)                            # the wheel's requirements are satisfied
    assert '"classes": 3' in run(venv/'bin'/'fgvc', 'synth', '--classes', '3', '--train', '2', '--test', '1', '--size', '32',
                                 cwd=tmp_path, env=env)
    # the benchmark's accuracy protocol from the wheel: two methods, two seeds each, result files and a table
    table = run(venv/'bin'/'fgvc', 'bench', '--methods', 'baseline,bcnn', '--preset', 'quick', '--seeds', '2', '--out', tmp_path/'bench',
                cwd=tmp_path, env=env | {'FGVC_NUM_WORKERS': '0'})
    made = {p.name: json.loads(p.read_text()) for p in (tmp_path/'bench').iterdir()}
    assert sorted(made) == ['baseline-bench-quick.json', 'bcnn-bench-quick.json'], sorted(made)
    for name, r in made.items():
        assert r['seeds'] == [42, 43] and len(r['runs']) == 2 and r['top1_sd'] is not None, name
        assert any(l.split()[:2] == [r['method'], '2'] and f"{r['top1']:.1f}" in l for l in table.splitlines()), table


def test_import_prints_nothing():
    "Importing the library (a method module pulls in fastai and the spine) prints nothing, no FutureWarning from fastai's imports"
    r = subprocess.run([sys.executable, '-c', 'import fgvc_tutorial.methods.wsdan, fgvc_tutorial.runs'], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == '' and r.stderr == '', r.stderr[-2000:]
    r = subprocess.run([sys.executable, '-c', 'import fgvc_tutorial.learner, torch, warnings\nwarnings.simplefilter("always")\n'
                        'torch.jit.script(lambda x: x) if hasattr(torch.jit, "script") else None'], capture_output=True, text=True)
    assert '`torch.jit.script` is deprecated' in r.stderr, 'the filter leaked out of the import: user code lost the warning'


def test_slow_cells_import_nothing():
    """The docs build (nbdev's `exec_show_docs`) runs every code cell that holds an import; a `#| slow` cell with one would
    train or rewrite result files there. Imports belong in a chapter's imports cell."""
    import ast
    bad = []
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        for c in json.loads(nb.read_text())['cells']:
            src = ''.join(c['source'])
            if c['cell_type'] != 'code' or not re.match(r'\s*#\|\s*slow', src): continue
            code = '\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!')))
            if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(ast.parse(code))): bad.append(f"{nb.name} cell {c.get('id')}")
    assert not bad, f'#| slow cells with an import (move it to the imports cell): {bad}'
