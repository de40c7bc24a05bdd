"""Execute notebooks in place (saving outputs) the way nbdev_test runs them: cells carrying a
tst_flags directive (e.g. `#| slow`, `#| gpu`) and `#| eval: false` cells are skipped unless --flags names them.
Usage: python tools/exec_nbs.py [--flags 'slow gpu'] nbs/00_core.ipynb ..."""
import argparse, os, sys
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.process import NBProcessor

ap = argparse.ArgumentParser()
ap.add_argument('--flags', default='')
ap.add_argument('nbs', nargs='+')
a = ap.parse_args()
cfg = get_config()
skip = set(cfg.tst_flags.split()) - set(a.flags.split())
sys.path.insert(0, str(cfg.config_path))
os.environ['IN_TEST'] = '1'   # makes nbdev_export() cells no-ops, as under nbdev_test

def no_eval(cell):
    if cell.cell_type != 'code': return True
    d = getattr(cell, 'directives_', {}) or {}
    return d.get('eval:', [''])[0].lower() == 'false' or bool(skip & d.keys())

for fn in map(Path, a.nbs):
    fn = fn.absolute()
    nb = read_nb(fn)
    NBProcessor(nb=nb, rm_directives=False)  # parses `#|` directives into cell.directives_ without changing the source
    for c in nb.cells:  # execnb keeps a cell's old outputs when it now prints nothing: clear those that will run
        if not no_eval(c): c.outputs = []
    sh = CaptureShell(fn)
    with working_directory(fn.parent): sh.run_all(nb, exc_stop=True, preproc=no_eval)
    for c in nb.cells:  # drop parse artefacts before saving
        for k in [k for k in c if k.endswith('_')]: del c[k]
    write_nb(nb, fn)
    print('executed', fn.name)
