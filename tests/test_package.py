"""The exported library works without the notebooks: build the wheel, install it into a fresh virtual environment,
import it there and run its smallest end-to-end path (generate a small synthetic dataset, read it, draw a batch)."""
import os, subprocess, sys, sysconfig, textwrap, zipfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert r.returncode == 0, f'{cmd} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}'
    return r.stdout


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp('dist')
    run(sys.executable, '-m', 'build', '--wheel', '--no-isolation', '--outdir', out, ROOT, cwd=ROOT)
    return next(out.glob('fgvc_tutorial-*.whl'))


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
    pip('install', '--no-deps', '--no-index', '-q', wheel)
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
