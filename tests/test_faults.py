"""Bad input and faults (issue 14), one test per case: `fgvc` answers with status 2 and at most a few lines that name the
file or value and the fix, no traceback, and nothing is written where it must not be. Most cases call `cli.main` in
this process (network disabled by conftest.py); the Ctrl-C and pipe cases are in test_cli_errors.py."""
import contextlib, io, json, os, shutil, stat, time
from pathlib import Path
import pytest, torch

from fgvc_tutorial.cli import main


def fgvc(*args)->tuple:
    "(status, stdout, stderr) of `fgvc args` run in this process"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err): code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def refused(r, *words, max_lines:int=3):
    "Status 2, a few lines, no traceback, an `fgvc ...: error:` line holding `words`"
    code, out, err = r
    assert code == 2 and 'Traceback' not in out + err and len((out + err).strip().splitlines()) <= max_lines, (code, out[-2000:], err[-3000:])
    line = next(l for l in err.splitlines() if ': error: ' in l)
    for w in words: assert w in line, (w, line)
    return line


def ours(err:str)->list:
    "The warning lines of `err` about our input (pytest shows the DeprecationWarnings of pandas too, which a shell does not)"
    return [l for l in err.splitlines() if l.startswith('fgvc ') and 'pandas' not in l]


def train_args(data, out, *more): return ['train', '--data', data, '--size', 32, '--epochs', 1, '--bs', 8, '--out', out, *more]




@pytest.fixture(scope='module')
def run(tiny, tmp_path_factory):
    "A finished 1-epoch run on `tiny`"
    out = tmp_path_factory.mktemp('runs')/'run'
    code, stdout, err = fgvc(*train_args(tiny, out))
    assert code == 0, err[-3000:]
    return out


def test_batch_larger_than_training_set(tiny, tmp_path):
    "Case 1: bs 64 > 32 training images took no step (train_loss nan, a summary that looked real); now bs is lowered"
    code, out, err = fgvc('train', '--data', tiny, '--size', 32, '--epochs', 1, '--bs', 64, '--out', tmp_path/'r')
    assert code == 0 and 'fgvc train: warning: batch size 64 is larger than the training set (32 images); using bs=32' in ours(err), err
    s = json.loads(out[out.index('{'):])
    assert s['images_per_second'] > 0 and 'nan' not in out.split('{')[0].splitlines()[1], out


def test_no_step_run_writes_no_summary(tiny, tmp_path):
    "Case 1, library side: a training loader with no batch is refused before training, and nothing is written"
    from fgvc_tutorial.core import DataError
    from fgvc_tutorial.data import fgvc_dls
    from fgvc_tutorial.runs import fgvc_train
    dls = fgvc_dls(tiny, size=32, bs=8, num_workers=0)
    dls.loaders[0] = dls.train.new(bs=64)                             # fastai drops the incomplete batch: zero steps
    with pytest.raises(DataError, match='no optimizer step would be taken'):
        fgvc_train('baseline', dls=dls, out=tmp_path/'r', progress=False, size=32, epochs=1, data=str(tiny))
    assert not (tmp_path/'r').exists()


def test_cub_folder_missing_images_txt(tiny, tmp_path):
    "Case 2: read as a one-class image folder named CUB_200_2011 before; now the missing file is named"
    bad = tmp_path/'cub'; shutil.copytree(tiny, bad); (bad/'CUB_200_2011'/'images.txt').unlink()
    refused(fgvc(*train_args(bad, tmp_path/'r')), 'CUB_200_2011/images.txt', 'missing CUB file images.txt', 'fix:')
    refused(fgvc('data', bad), 'missing CUB file images.txt')
    assert not (tmp_path/'r').exists()


def test_resume_checks(run, tiny, tmp_path):
    "Case 3: another method or dataset is refused; other changes are listed old -> new. Case 9: modes and stale temporaries"
    mask = os.umask(0o022); os.umask(mask); mode = 0o666 & ~mask
    assert {stat.S_IMODE(f.stat().st_mode) for f in run.iterdir() if f.is_file()} == {mode}   # 0600 before
    other = tmp_path/'other'; shutil.copytree(tiny, other)
    before = sorted(p.name for p in run.iterdir())
    refused(fgvc(*train_args(tiny, run, '--method', 'bcnn', '--resume')), "trains 'baseline', not 'bcnn'", '--method baseline')
    refused(fgvc(*train_args(other, run, '--resume')), f'trains on {tiny}', f'resume with --data {tiny}')
    assert sorted(p.name for p in run.iterdir()) == before
    (run/'.checkpoint.pth.x1y2z3.tmp').write_bytes(b'left by a kill')
    code, out, err = fgvc('train', '--data', tiny, '--size', 48, '--epochs', 2, '--bs', 8, '--lr', 0.01, '--out', run, '--resume')
    assert code == 0 and ours(err) == [f'fgvc train: warning: resuming {run} with other settings than it started with: '
                                       'size 32 -> 48, lr 0.001 -> 0.01; the summary records the new ones'], err
    assert not (run/'.checkpoint.pth.x1y2z3.tmp').exists() and (run/'metrics.csv').read_text().count('\n') == 3


def test_eval_predict_bad_checkpoints(run, tiny, tmp_path):
    "Case 4: truncated, garbage and code-carrying files, and checkpoints whose weights fit neither method nor class count"
    good = torch.load(run/'model.pth', weights_only=True)
    img = next((tiny/'CUB_200_2011'/'images').rglob('*.jpg'))
    (tmp_path/'cut.pth').write_bytes((run/'model.pth').read_bytes()[:1000])
    (tmp_path/'text.pth').write_text('garbage')
    torch.save({'f': os.system}, tmp_path/'code.pth')
    torch.save(dict(good, method='wsdan'), tmp_path/'method.pth')
    torch.save(dict(good, vocab=good['vocab'][:3]), tmp_path/'classes.pth')
    for f, words in [('cut.pth', ['cut.pth: not a readable checkpoint: it is truncated or damaged', 'copy it again']),
                     ('text.pth', ['text.pth: not a readable checkpoint: it is not a PyTorch file']),
                     ('code.pth', ['holds a Python object (posix.system)', 'weights_only=True']),
                     ('method.pth', ['do not fit the wsdan model with 4 classes', 'tensors missing']),
                     ('classes.pth', ['do not fit the baseline model with 3 classes', 'of another shape'])]:
        refused(fgvc('eval', '--checkpoint', tmp_path/f, '--data', tiny), *words)
        refused(fgvc('predict', '--checkpoint', tmp_path/f, img), *words)


def test_bad_weights_file(tiny, tmp_path):
    "Case 4: a garbage or code-carrying --weights file was a 36-line UnpicklingError"
    torch.save({'f': os.system}, tmp_path/'evil.pth'); (tmp_path/'text.pth').write_text('garbage')
    refused(fgvc(*train_args(tiny, tmp_path/'r', '--weights', tmp_path/'evil.pth')), 'evil.pth: not a readable weights file', 'posix.system')
    refused(fgvc(*train_args(tiny, tmp_path/'r', '--weights', tmp_path/'text.pth')), 'text.pth: not a readable weights file')
    assert not (tmp_path/'r').exists()


def test_corrupt_image(tiny, tmp_path):
    "Case 5: a 3.8 KB worker traceback before; now one line naming the file and --skip-bad-images, which leaves it out"
    bad = tmp_path/'bad'; shutil.copytree(tiny, bad)
    jpg = sorted((bad/'CUB_200_2011'/'images').rglob('*.jpg'))[12]; jpg.write_bytes(b'not a jpeg')
    line = refused(fgvc(*train_args(bad, tmp_path/'r')), str(jpg), 'cannot read image', '--skip-bad-images', max_lines=2)
    assert len(line) < 1000 and not (tmp_path/'r').exists()
    code, out, err = fgvc(*train_args(bad, tmp_path/'r', '--skip-bad-images'))
    assert code == 0 and len(w := ours(err)) == 1 and w[0].startswith('fgvc train: warning: skipped 1 of 40 images') and str(jpg) in w[0], err
    assert json.loads(out[out.index('{'):])['n_train'] == 31


def test_offline_arch_fails_fast(tiny, tmp_path, monkeypatch):
    "Case 6: 62 s of hub retries before; now at once, naming --weights, FGVC_WEIGHTS and --scratch"
    monkeypatch.setenv('FGVC_CACHE', str(tmp_path/'cache')); monkeypatch.setenv('FGVC_WEIGHTS', str(tmp_path/'w'))
    t = time.perf_counter()
    refused(fgvc(*train_args(tiny, tmp_path/'r', '--arch', 'resnet18')), 'no ImageNet weights for resnet18', '(offline)',
            f'{tmp_path}/w/resnet18.pth', '--weights FILE', '--scratch')
    assert time.perf_counter() - t < 20 and not (tmp_path/'r').exists()


def test_test_only_data(run, tmp_path):
    "Case 7: eval scores a set without training images (no stand-in any more); train refuses it; fgvc_train too"
    from fgvc_tutorial.core import DataError
    from fgvc_tutorial.runs import fgvc_train
    from fgvc_tutorial.synth import SynthConfig, generate_synth
    import fgvc_tutorial.cli as cli
    assert not hasattr(cli, '_with_stand_in')
    test_only = generate_synth(SynthConfig(n_classes=4, n_train=0, n_test=2, size=64), tmp_path/'test_only', n_workers=1)
    code, out, err = fgvc('eval', '--checkpoint', run/'model.pth', '--data', test_only)
    assert code == 0 and json.loads(out)['n_images'] == 8, err[-2000:]
    with pytest.raises(DataError, match='nothing to train on'):
        fgvc_train('baseline', out=tmp_path/'r', progress=False, data=str(test_only), data_kw={}, size=32, epochs=1, bs=8)
    assert not (tmp_path/'r').exists()


def test_summary_reuses_last_validation(run, tiny):
    "Case 10: the summary's metrics are the last epoch's validation, equal to a fresh evaluation of the saved model"
    s = json.loads((run/'summary.json').read_text())
    code, out, err = fgvc('eval', '--checkpoint', run/'model.pth', '--data', tiny)
    e = json.loads(out)
    assert code == 0 and [s[k] for k in ('top1', 'top5', 'mean_class_accuracy', 'n_images')] == [e[k] for k in ('top1', 'top5', 'mean_class_accuracy', 'n_images')]
