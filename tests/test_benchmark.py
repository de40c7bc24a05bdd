"The benchmark's GPU command, run on the CPU with two timed steps per method, and the leaderboard's noise labels"
import contextlib, io, json, re

import pytest

from fgvc_tutorial.cli import main
from fgvc_tutorial.core import list_methods


def test_speed_run_on_cpu(tmp_path, monkeypatch):
    "`fgvc bench --device cpu` over every method: a file each, a table with the ratio to the baseline, the counted passes"
    monkeypatch.setenv('FGVC_NUM_WORKERS', '0')
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(['bench', '--device', 'cpu', '--size', '112', '--bs', '8', '--steps', '2', '--warmup', '1', '--rounds', '1',
                     '--no-real', '--out', tmp_path])
    assert code == 0, err.getvalue()
    methods = list_methods()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f'{s}-speed-cpu-bench.json' for s in methods)
    rows = {s: json.loads((tmp_path/f'{s}-speed-cpu-bench.json').read_text()) for s in methods}
    failed = {s: r['error'] for s, r in rows.items() if 'error' in r}
    assert not failed, failed
    table = out.getvalue().splitlines()
    assert table[0].split()[:2] == ['method', 'backbone'] and 'ratio' in table[0]
    for s, r in rows.items():
        line = next(l for l in table if l.split()[0] == s)
        assert f"{r['step_time_ratio']:.2f}" in line.split(), line      # the ratio printed is the one in the file
        assert r['steps'] == 2 and r['size'] == 112 and r['bs'] == 8 and r['step_s'] > 0 and r['baseline_step_s'] > 0
    assert 0.5 < rows['baseline']['step_time_ratio'] < 2, rows['baseline']              # the baseline against itself
    passes = {s: (r['backbone_passes']['train'], r['backbone_passes']['test']) for s, r in rows.items()}
    assert passes['baseline'] == (1, 1) and passes['pmg'] == (4, 1) and passes['wsdan'] == (3, 2) and passes['dcl'][0] == 2, passes
    assert rows['pmg']['step_time_ratio'] > 1.5, rows['pmg']                             # four trunk passes, each with its backward
    assert re.search(r'bench: \d+ s in all', err.getvalue())


def _bench_file(root, slug, top1s, **extra):
    import numpy as np
    runs = [dict(seed=42 + i, top1=t) for i, t in enumerate(top1s)]
    r = dict(method=slug, size=96, runs=runs, n_images=200, top1=float(np.mean(top1s)), top1_sd=float(np.std(top1s, ddof=1)),
             top5=90., mean_class_accuracy=float(np.mean(top1s)), images_per_second=50., step_time_ratio=1., params=10**6,
             backbone_passes=dict(train=1, test=1), **extra)
    (root/'results'/f'{slug}-bench-quick.json').write_text(json.dumps(r))


def test_leaderboard_labels_noise(tmp_path):
    "A method is above or below the baseline only beyond two standard errors of the difference of the seed means"
    from fgvc_tutorial.benchmark import leaderboard, leaderboard_markdown, versus
    (tmp_path/'settings.ini').write_text('[DEFAULT]\n'); (tmp_path/'nbs').mkdir(); (tmp_path/'results').mkdir()
    _bench_file(tmp_path, 'baseline', [26., 27., 28.])
    _bench_file(tmp_path, 'bcnn', [34., 35., 36.])        # 8 points up, SE of the difference 0.82: above
    _bench_file(tmp_path, 'pc', [20., 28., 36.])          # 1 point up, sd 8: level
    _bench_file(tmp_path, 'dcl', [20., 21., 22.])         # 6 points down: below
    board = leaderboard('quick', start=tmp_path).set_index('method')
    assert list(board.index) == ['baseline', 'bcnn', 'pc', 'dcl']                    # registry order, only methods with a file
    assert board.vs_baseline.to_dict() == dict(baseline='(baseline)', bcnn='above', pc='level', dcl='below')
    assert versus(30, 1, 28, 1) == 'level' and versus(31, 1, 28, 1) == 'above'      # 2 / √2 = 1.41 SE; 3 / √2 = 2.12 SE
    md = leaderboard_markdown(board.reset_index())
    assert '| bcnn | 2015 | 96 | 35.0 ± 1.0 | above |' in md, md
    assert board.loc['bcnn', 'paper_top1'] == 84.0 and board.loc['bcnn', 'paper_backbone'] == 'vgg16'   # the registry's, apart
